import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { type Job, validateWith } from '@app/domain';
import { JobRepository, TenantUsageRepository } from '@app/persistence';
import { AdminOnly } from '../common/api-key.guard';
import { ValidationError } from '../common/global-exception.filter';
import { AdminQueues } from './admin-queues.service';
import { adminJobsQuery, adminUsageQuery, expireJobsBody } from './admin.schemas';
import { StaleJobs } from './stale-jobs.service';
import { type z } from 'zod';

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = validateWith(schema, input);
  if (!result.ok) throw new ValidationError(result.problems);
  return result.value;
}

/** Operators' routes across tenants; every one needs the admin role (401 without a caller, 403 without the role). */
@AdminOnly()
@Controller('v1/admin')
export class AdminController {
  constructor(
    private readonly usage: TenantUsageRepository,
    private readonly jobRows: JobRepository,
    private readonly staleJobs: StaleJobs,
    private readonly queues: AdminQueues,
  ) {}

  @Get('usage')
  async allUsage(@Query() query: unknown) {
    const { month } = parse(adminUsageQuery, query);
    const items = await this.usage.month(month);
    return { month: month ?? new Date().toISOString().slice(0, 7), items };
  }

  /** Jobs across tenants, live or finished, newest first, paged with a signed cursor. */
  @Get('jobs')
  async jobs(@Query() query: unknown) {
    const { status, olderThanSec, createdWithinSec, limit, cursor } = parse(adminJobsQuery, query);
    const page = await this.jobRows.search({
      statuses: status ?? [],
      olderThanSec,
      createdWithinSec,
      limit,
      cursor: cursor || null,
    });
    return { items: page.items.map(adminView), nextCursor: page.nextCursor };
  }

  @Post('jobs/expire')
  @HttpCode(200)
  async expire(@Body() body: unknown) {
    const { olderThanSec } = parse(expireJobsBody, body ?? {});
    const expired = await this.staleJobs.expire(olderThanSec ?? this.staleJobs.defaultThresholdSec);
    return { expired };
  }

  @Get('queues')
  async allQueues() {
    return { items: await Promise.all(this.queues.all.map((q) => this.queues.state(q))) };
  }

  /** Workers stop taking new jobs of the queue (BullMQ global pause); running ones finish. */
  @Post('queues/:queue/pause')
  @HttpCode(200)
  async pause(@Param('queue') name: string) {
    const queue = this.queues.get(name);
    await queue.pause();
    return this.queues.state(queue);
  }

  @Post('queues/:queue/resume')
  @HttpCode(200)
  async resume(@Param('queue') name: string) {
    const queue = this.queues.get(name);
    await queue.resume();
    return this.queues.state(queue);
  }
}

function adminView(job: Job) {
  return {
    id: job.id,
    tenantId: job.tenantId,
    status: job.status,
    progress: job.progress,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    error: job.error,
  };
}
