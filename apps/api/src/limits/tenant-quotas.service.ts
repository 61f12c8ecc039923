import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AppError, Errors, isTerminal } from '@app/domain';
import { JobRepository, TenantUsageRepository } from '@app/persistence';
import { LimitsRedis } from './limits.redis';

/** A job younger than this may still be on its way to its row: never counted out as missing. */
const ROW_GRACE_MS = 60_000;
/** No job lives longer than this; an entry older is dropped whatever its row says. */
const LIVE_JOB_HORIZON_MS = 7 * 24 * 3600_000;

export interface StreamLease {
  release(): void;
}

/**
 * Per-tenant quotas shared by every API process through Redis: live jobs and open event streams
 * (sorted sets of ids scored by time), and the monthly spend cap read from the tenant's usage.
 */
@Injectable()
export class TenantQuotas {
  constructor(
    private readonly redis: LimitsRedis,
    private readonly jobs: JobRepository,
    private readonly usage: TenantUsageRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 402 when the tenant's generation spend this month has reached MONTHLY_SPEND_CAP_USD. */
  async assertMonthlySpendLeft(tenantId: string): Promise<void> {
    const cap = this.config.limits.monthlySpendCapUsd;
    const { costUsd, month } = await this.usage.get(tenantId);
    if (costUsd + 1e-9 >= cap) {
      throw new AppError(
        Errors.monthlySpendCapReached,
        `this tenant spent $${costUsd.toFixed(2)} in ${month}, the monthly cap is $${cap.toFixed(2)}`,
        { details: { capUsd: cap, spentUsd: costUsd, month } },
      );
    }
  }

  /**
   * Counts `jobId` as live for the tenant, or refuses with 429 when the tenant has as many as it
   * may. Finished jobs are counted out lazily, only when the set looks full, from their rows.
   */
  async reserveLiveJob(tenantId: string, jobId: string): Promise<void> {
    const key = this.key('live', tenantId);
    const cap = this.config.limits.liveJobsPerTenant;
    const now = Date.now();
    const [, , [, count]] = (await this.redis.client
      .multi()
      .zremrangebyscore(key, '-inf', now - LIVE_JOB_HORIZON_MS)
      .zadd(key, now, jobId)
      .zcard(key)
      .pexpire(key, LIVE_JOB_HORIZON_MS)
      .exec()) as [unknown, unknown, [unknown, number]];
    if (count <= cap) return;
    if ((await this.sweepFinished(key, tenantId, jobId)) <= cap) return;
    await this.redis.client.zrem(key, jobId);
    throw new AppError(Errors.quotaExceeded, `this tenant already has ${cap} live jobs; wait for one to finish`, {
      details: { quota: 'liveJobs', limit: cap },
    });
  }

  /** The reservation of a job that was not created after all (or is a retry of an existing one); never throws. */
  async releaseLiveJob(tenantId: string, jobId: string): Promise<void> {
    await this.redis.client.zrem(this.key('live', tenantId), jobId).catch(() => undefined);
  }

  /** Removes entries whose rows are terminal (or never appeared); the count left. */
  private async sweepFinished(key: string, tenantId: string, self: string): Promise<number> {
    const entries = await this.redis.client.zrange(key, 0, -1, 'WITHSCORES');
    const now = Date.now();
    const checks: Promise<string | null>[] = [];
    for (let i = 0; i < entries.length; i += 2) {
      const [id, score] = [entries[i], Number(entries[i + 1])];
      if (id === self) continue;
      checks.push(
        this.jobs.get(tenantId, id).then((job) => {
          if (job) return isTerminal(job.status) ? id : null;
          return now - score > ROW_GRACE_MS ? id : null;
        }),
      );
    }
    const done = (await Promise.all(checks)).filter((id): id is string => id !== null);
    if (done.length) await this.redis.client.zrem(key, ...done);
    return this.redis.client.zcard(key);
  }

  /** A slot for one event stream, or 429; the lease expires on its own after the stream's lifetime. */
  async openStream(tenantId: string): Promise<StreamLease> {
    const key = this.key('sse', tenantId);
    const cap = this.config.limits.sseStreamsPerTenant;
    const lifetimeMs = this.config.limits.sseMaxLifetimeSec * 1000;
    const id = randomUUID();
    const now = Date.now();
    // Scored by when the lease runs out, so a process that died holding streams frees them in time.
    const [, , [, count]] = (await this.redis.client
      .multi()
      .zremrangebyscore(key, '-inf', now)
      .zadd(key, now + lifetimeMs + 30_000, id)
      .zcard(key)
      .pexpire(key, lifetimeMs + 60_000)
      .exec()) as [unknown, unknown, [unknown, number]];
    const release = () => void this.redis.client.zrem(key, id).catch(() => undefined);
    if (count > cap) {
      release();
      throw new AppError(Errors.quotaExceeded, `this tenant already has ${cap} event streams open`, {
        details: { quota: 'sseStreams', limit: cap },
      });
    }
    let released = false;
    return {
      release: () => {
        if (!released) release();
        released = true;
      },
    };
  }

  private key(kind: string, tenantId: string): string {
    return `${this.redis.prefix}:${kind}:${tenantId}`;
  }
}
