import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { AppError, Errors, isTerminal, type Job, type JobStatus } from '@app/domain';
import { Actor, Tenant } from '../common/tenant.decorator';
import { JobArchives } from '../jobs/job-archive.service';
import { type BatchState, BatchesService } from './batches.service';

/** What the batch as a whole is: running while any item is live, then completed, failed or cancelled. */
function batchStatus(jobs: Job[]): 'running' | 'completed' | 'failed' | 'cancelled' | 'partial' {
  if (jobs.some((j) => !isTerminal(j.status))) return 'running';
  const done = (s: JobStatus) => jobs.filter((j) => j.status === s).length;
  if (done('completed') === jobs.length) return 'completed';
  if (done('cancelled') === jobs.length) return 'cancelled';
  return done('completed') ? 'partial' : 'failed';
}

export function batchView({ batch, jobs }: BatchState) {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const items = batch.items.map((item) => {
    const job = byId.get(item.jobId);
    return {
      index: item.index,
      kind: item.kind,
      label: item.label,
      id: item.jobId,
      status: job?.status ?? 'failed',
      progress: job?.progress ?? 0,
      outputs: job?.outputs.length ?? 0,
      error: job?.error ?? null,
      links: { self: item.kind === 'asset' ? `/v1/generate/${item.jobId}` : `/v1/jobs/${item.jobId}` },
    };
  });
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.status] = (counts[item.status] ?? 0) + 1;
  const self = `/v1/batches/${batch.id}`;
  return {
    id: batch.id,
    status: batchStatus(jobs),
    createdAt: batch.createdAt,
    counts,
    // rises with every change of any item: the SSE event id
    version: jobs.reduce((sum, j) => sum + j.version, 0),
    items,
    links: { self, events: `${self}/events`, archive: `${self}/archive`, cancel: `${self}/cancel` },
  };
}

/**
 * `POST /v1/batches` (202), `GET /v1/batches/:id`, `GET /v1/batches/:id/events` (SSE, `event: batch`),
 * `GET /v1/batches/:id/archive` (one ZIP of every finished output, streamed), `POST /v1/batches/:id/cancel`.
 */
@Controller('v1/batches')
export class BatchesController {
  constructor(
    private readonly batches: BatchesService,
    private readonly archives: JobArchives,
  ) {}

  @Post()
  @HttpCode(202)
  async submit(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const state = await this.batches.submit({ tenantId, actor }, body);
    res.setHeader('Location', `/v1/batches/${state.batch.id}`);
    return batchView(state);
  }

  @Get(':id')
  async get(@Tenant() tenantId: string, @Param('id') id: string) {
    return batchView(await this.batches.get(tenantId, id));
  }

  @Post(':id/cancel')
  @HttpCode(202)
  async cancel(@Tenant() tenantId: string, @Param('id') id: string) {
    return batchView(await this.batches.cancel(tenantId, id));
  }

  /** Every finished item's outputs, each under its own folder (`01-as-written/video.mp4`), media stored as is. */
  @Get(':id/archive')
  async archive(@Tenant() tenantId: string, @Param('id') id: string, @Res() res: Response) {
    const { batch, jobs } = await this.batches.get(tenantId, id);
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const entries = batch.items.flatMap((item) => {
      const job = byId.get(item.jobId);
      if (job?.status !== 'completed') return [];
      const slug = item.label
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40);
      return this.archives.entriesOf(job, `${String(item.index + 1).padStart(2, '0')}-${slug || item.kind}`);
    });
    if (!entries.length)
      throw new AppError(Errors.jobNotCompleted, `batch ${batch.id} has no finished item yet: nothing to download`);
    res.status(200).set({
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="reelsmith-batch-${batch.id}.zip"`,
      'Cache-Control': 'private, no-store',
    });
    await this.archives.write(res, entries, `batch ${batch.id}`);
  }

  /** Server-Sent Events: `event: batch` with the batch view after every change of an item; ends when all are terminal. */
  @Get(':id/events')
  async stream(@Tenant() tenantId: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const state = await this.batches.get(tenantId, id);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const send = (s: BatchState) => {
      const view = batchView(s);
      res.write(`id: ${view.version}\nevent: batch\ndata: ${JSON.stringify(view)}\n\n`);
    };
    send(state);
    if (state.jobs.every((j) => isTerminal(j.status))) return void res.end();
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
    const subscription = this.batches.watch(state).subscribe({
      next: send,
      error: () => res.end(),
      complete: () => res.end(),
    });
    req.on('close', () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
    });
    res.on('finish', () => clearInterval(heartbeat));
  }
}
