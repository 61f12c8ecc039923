import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { Actor, Tenant } from '../common/tenant.decorator';
import { ValidationError } from '../common/global-exception.filter';
import { JobEventsService } from './job-events.service';
import { JobViews } from './job-view';
import { JobsService } from './jobs.service';

const MAX_PAGE = 100;

@Controller('v1/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly views: JobViews,
    private readonly events: JobEventsService,
  ) {}

  @Post()
  @HttpCode(202)
  async submit(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const job = await this.jobs.submit({ tenantId, actor }, body, idempotencyKey);
    const self = `/v1/jobs/${job.id}`;
    res.setHeader('Location', self);
    return { id: job.id, status: job.status, links: { self, events: `${self}/events` } };
  }

  @Get()
  async list(@Tenant() tenantId: string, @Query('limit') limitRaw?: string, @Query('cursor') cursor?: string) {
    const limit = limitRaw === undefined ? 20 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new ValidationError([{ field: 'limit', reason: `must be a whole number from 1 to ${MAX_PAGE}` }]);
    }
    const page = await this.jobs.list(tenantId, limit, cursor || null);
    return { items: await Promise.all(page.items.map((job) => this.views.of(job))), nextCursor: page.nextCursor };
  }

  @Get(':id')
  async get(@Tenant() tenantId: string, @Param('id') id: string) {
    return this.views.of(await this.jobs.get(tenantId, id));
  }

  @Post(':id/cancel')
  @HttpCode(202)
  async cancel(@Tenant() tenantId: string, @Param('id') id: string) {
    return this.views.of(await this.jobs.cancel(tenantId, id));
  }

  /** Server-Sent Events: `id:` is the row version, `event: job`, `data:` the job view; ends after the terminal event. */
  @Get(':id/events')
  async stream(@Tenant() tenantId: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const job = await this.jobs.get(tenantId, id);
    const header = req.headers['last-event-id'] ?? req.query.lastEventId;
    const lastEventId = header !== undefined && /^\d+$/.test(String(header)) ? Number(header) : null;
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
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
    req.on('close', () => subscription.unsubscribe());
  }
}
