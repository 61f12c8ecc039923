import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AppError, Errors, failed, type Job } from '@app/domain';
import { metrics } from '@app/observability';
import { JobRepository } from '@app/persistence';
import { bullJobId, QueueName, sceneQueueName } from '@app/pipeline';
import { AdminQueues } from './admin-queues.service';

/**
 * The sweep that ends live jobs (the sparse active index, never a Scan) stuck too long: `failed` with JOB.EXPIRED, their queue entries removed. Runs on
 * POST /v1/admin/jobs/expire and, with JOB_EXPIRE_INTERVAL_SEC, on a schedule.
 */
@Injectable()
export class StaleJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StaleJobs.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobRepository,
    private readonly queues: AdminQueues,
  ) {}

  /** JOB_EXPIRE_AFTER_SEC */
  get defaultThresholdSec(): number {
    return this.config.observability.jobExpireAfterSec;
  }

  onApplicationBootstrap(): void {
    const every = this.config.observability.jobExpireIntervalSec;
    if (!every) return;
    this.timer = setInterval(() => {
      this.expire(this.config.observability.jobExpireAfterSec).catch((error: Error) =>
        this.logger.error(`stale-job sweep: ${error.message}`),
      );
    }, every * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Live jobs unchanged for `olderThanSec`, oldest change first. */
  private async stale(olderThanSec: number, now: number): Promise<Job[]> {
    const refs = await this.jobs.listActive();
    const rows = (await Promise.all(refs.map((r) => this.jobs.get(r.tenantId, r.id)))).filter(
      (job): job is Job => job !== null,
    );
    return rows
      .filter((job) => idleSec(job, now) >= olderThanSec)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  }

  /** Ends every live job unchanged for `olderThanSec` with JOB.EXPIRED; returns their ids. */
  async expire(olderThanSec: number, now = Date.now()): Promise<Array<{ tenantId: string; id: string }>> {
    const stale = await this.stale(olderThanSec, now);
    const expired: Array<{ tenantId: string; id: string }> = [];
    for (const job of stale) {
      try {
        await this.jobs.update(
          job.tenantId,
          job.id,
          failed({
            code: Errors.jobExpired.code,
            message: `no progress for ${Math.round(idleSec(job, now))} s (threshold ${olderThanSec} s)`,
          }),
        );
      } catch (error) {
        if (AppError.is(error, Errors.jobTerminal)) continue; // it ended on its own meanwhile
        throw error;
      }
      await this.removeQueueEntries(job);
      metrics.expiredJobs.inc();
      expired.push({ tenantId: job.tenantId, id: job.id });
      this.logger.warn(`expired job ${job.id} of ${job.tenantId} (${job.status} since ${job.updatedAt})`);
    }
    return expired;
  }

  /**
   * Removes the job's waiting work from Redis (compose takes its flow children with it). An entry a
   * worker holds right now stays: that worker sees the row turn terminal and stops on its own.
   */
  private async removeQueueEntries(job: Job): Promise<void> {
    const entries: Array<[string, string]> = [
      [QueueName.Plan, bullJobId.plan(job.id)],
      [QueueName.Keyframes, bullJobId.keyframes(job.id)],
      [QueueName.Music, bullJobId.music(job.id)],
      [QueueName.Compose, bullJobId.compose(job.id)],
      ...job.scenes
        .filter((s) => s.profile)
        .map((s): [string, string] => [sceneQueueName(s.profile!), bullJobId.scene(job.id, s.index)]),
    ];
    for (const [name, id] of entries) {
      const queue = this.queues.all.find((q) => q.name === name);
      await queue?.remove(id, { removeChildren: true }).catch(() => 0);
    }
  }
}

function idleSec(job: Job, now: number): number {
  return (now - Date.parse(job.updatedAt)) / 1000;
}
