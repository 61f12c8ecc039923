import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { Errors, type Job, kindOf } from '@app/domain';
import { JobRepository } from '@app/persistence';
import { bullJobId, flowIdOf, JobName, QueueName, STEP_OPTIONS } from '@app/pipeline';
import { StepRunner } from '../steps/step-runner.service';

/**
 * At boot, makes sure every job the table says is live has work in Redis: a crash between writing
 * a row and enqueueing its next step (or a Redis that lost its data) must not leave a job stuck.
 * Work that is present is left to BullMQ, which re-runs steps whose worker died (stalled jobs).
 */
@Injectable()
export class RecoveryService {
  private readonly logger = new Logger(RecoveryService.name);

  constructor(
    private readonly jobs: JobRepository,
    private readonly steps: StepRunner,
    @InjectQueue(QueueName.Plan) private readonly planQueue: Queue,
    @InjectQueue(QueueName.Compose) private readonly composeQueue: Queue,
    @InjectQueue(QueueName.Asset) private readonly assetQueue: Queue,
  ) {}

  async recover(): Promise<void> {
    const active = await this.jobs.listActive();
    for (const ref of active) {
      const job = await this.jobs.get(ref.tenantId, ref.id);
      if (!job) continue;
      // a revision's work is its own (ids `<jobId>.r<n>.…`), started by its own plan job
      const jobRef = { tenantId: job.tenantId, jobId: job.id, ...(job.revision ? { revision: job.revision } : {}) };
      if (kindOf(job) === 'asset') {
        await this.recoverAsset(job);
        continue;
      }
      const flowId = flowIdOf(jobRef);
      const plan = await this.planQueue.getJob(bullJobId.plan(flowId));
      const compose = await this.composeQueue.getJob(bullJobId.compose(flowId));
      const state = compose ? await compose.getState() : plan ? await plan.getState() : 'missing';
      if (state === 'failed') {
        const reason = (compose ?? plan)?.failedReason ?? 'a step failed';
        await this.steps.fail(jobRef, Errors.jobInterrupted.code, `recovered after a restart: ${reason}`);
        this.logger.warn(`${job.id}: marked failed (its work had failed: ${reason})`);
      } else if (state === 'missing' || (state === 'completed' && !compose)) {
        // No work left in Redis for a live row: planning again is safe, every step reuses what is stored.
        await plan?.remove().catch(() => undefined);
        await this.planQueue.add(JobName.Plan, jobRef, {
          ...STEP_OPTIONS[JobName.Plan],
          jobId: bullJobId.plan(flowId),
        });
        this.logger.warn(`${job.id}: re-enqueued from ${job.status} (no work was left in Redis)`);
      } else if (state === 'completed') {
        await this.steps.fail(
          jobRef,
          Errors.jobInterrupted.code,
          'the job was interrupted after composing; submit it again',
        );
      }
    }
    if (active.length) this.logger.log(`recovery checked ${active.length} live job(s)`);
  }

  /** A single asset is one step: absent from Redis, it is enqueued again; failed there, the row says so. */
  private async recoverAsset(job: Job): Promise<void> {
    const jobRef = { tenantId: job.tenantId, jobId: job.id };
    const work = await this.assetQueue.getJob(bullJobId.asset(job.id));
    const state = work ? await work.getState() : 'missing';
    if (state === 'failed' || state === 'completed') {
      await this.steps.fail(
        jobRef,
        Errors.jobInterrupted.code,
        `recovered after a restart: ${work?.failedReason ?? 'its step ended'}`,
      );
    } else if (state === 'missing') {
      await this.assetQueue.add(JobName.Asset, jobRef, {
        ...STEP_OPTIONS[JobName.Asset],
        jobId: bullJobId.asset(job.id),
      });
      this.logger.warn(`${job.id}: asset re-enqueued from ${job.status} (no work was left in Redis)`);
    }
  }
}
