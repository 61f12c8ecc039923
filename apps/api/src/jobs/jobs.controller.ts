import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { type Request, type Response } from 'express';
import { JOB_STATUSES, type JobStatus, type Problem } from '@app/domain';
import { metrics } from '@app/observability';
import { Actor, Tenant } from '../common/tenant.decorator';
import { ValidationError } from '../common/global-exception.filter';
import { JobArchives } from './job-archive.service';
import { JobEventsService } from './job-events.service';
import { JobViews } from './job-view';
import { JobsService } from './jobs.service';
import { RateLimited } from '../limits/rate-limit.guard';
import { TenantQuotas } from '../limits/tenant-quotas.service';

const MAX_PAGE = 100;

@Controller('v1/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly views: JobViews,
    private readonly events: JobEventsService,
    private readonly archives: JobArchives,
    private readonly quotas: TenantQuotas,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @RateLimited('submit')
  async submit(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const job = await this.jobs.submit(
      { tenantId, actor, requestId: req.id ? String(req.id) : undefined },
      body,
      idempotencyKey,
    );
    res.locals.jobId = job.id;
    const self = `/v1/jobs/${job.id}`;
    res.setHeader('Location', self);
    return { id: job.id, status: job.status, links: { self, events: `${self}/events` } };
  }

  @Get()
  async list(
    @Tenant() tenantId: string,
    @Query('limit') limitRaw?: string,
    @Query('cursor') cursor?: string,
    @Query('status') status?: string,
    @Res({ passthrough: true }) res?: Response,
  ) {
    res?.setHeader('Cache-Control', 'private, no-store');
    const limit = limitRaw === undefined ? 20 : Number(limitRaw);
    const problems: Problem[] = [];
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      problems.push({ field: 'limit', reason: `must be a whole number from 1 to ${MAX_PAGE}` });
    }
    if (status && !(JOB_STATUSES as readonly string[]).includes(status)) {
      problems.push({ field: 'status', reason: `must be one of ${JOB_STATUSES.join(', ')}` });
    }
    if (problems.length) throw new ValidationError(problems);
    const page = await this.jobs.list(tenantId, limit, cursor || null, (status || undefined) as JobStatus | undefined);
    return { items: await Promise.all(page.items.map((job) => this.views.of(job))), nextCursor: page.nextCursor };
  }

  @Get(':id')
  async get(@Tenant() tenantId: string, @Param('id') id: string, @Res({ passthrough: true }) res: Response) {
    // The view carries presigned URLs: no cache may keep them.
    res.setHeader('Cache-Control', 'private, no-store');
    return this.views.of(await this.jobs.get(tenantId, id));
  }

  /** Every output of a completed job in one ZIP, streamed from storage (media stored, text deflated). */
  @Get(':id/archive')
  async archive(@Tenant() tenantId: string, @Param('id') id: string, @Res() res: Response) {
    const job = await this.jobs.get(tenantId, id);
    this.archives.assertArchivable(job);
    res.status(200).set({
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="reelsmith-${job.id}.zip"`,
      'Cache-Control': 'private, no-store',
    });
    await this.archives.write(res, this.archives.entriesOf(job), `job ${job.id}`);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  async cancel(@Tenant() tenantId: string, @Param('id') id: string) {
    return this.views.of(await this.jobs.cancel(tenantId, id));
  }

  /** Server-Sent Events: `id:` is the row version, `event: job`, `data:` the job view; ends after the terminal event. */
  @Get(':id/events')
  @RateLimited('sse')
  async stream(@Tenant() tenantId: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const job = await this.jobs.get(tenantId, id);
    const lease = await this.quotas.openStream(tenantId);
    const header = req.headers['last-event-id'] ?? req.query.lastEventId;
    const lastEventId = header !== undefined && /^\d+$/.test(String(header)) ? Number(header) : null;
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    metrics.sseConnections.inc();
    res.once('close', () => metrics.sseConnections.dec());
    res.write('retry: 2000\n\n');
    // Views are built in order so a slow presign never reorders events.
    let chain = Promise.resolve();
    const subscription = this.events.watch(job, lastEventId).subscribe({
      next: (event) => {
        chain = chain.then(async () => {
          if (event.kind === 'heartbeat') res.write(': heartbeat\n\n');
          else
            res.write(
              `id: ${event.job.version}\nevent: job\ndata: ${JSON.stringify(await this.views.of(event.job))}\n\n`,
            );
        });
      },
      error: () => void chain.finally(() => res.end()),
      complete: () => void chain.finally(() => res.end()),
    });
    // A stream lives at most SSE_MAX_LIFETIME_SEC; the client reconnects with Last-Event-ID and misses nothing.
    const lifetime = setTimeout(() => {
      subscription.unsubscribe();
      void chain.finally(() => res.end(': max lifetime reached, reconnect with Last-Event-ID\n\n'));
    }, this.config.limits.sseMaxLifetimeSec * 1000);
    res.on('close', () => {
      clearTimeout(lifetime);
      subscription.unsubscribe();
      lease.release();
    });
  }
}
