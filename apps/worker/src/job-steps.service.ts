import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Job as BullJob, UnrecoverableError } from 'bullmq';
import { type Subscription } from 'rxjs';
import { AppError, ErrorCodes, isTerminal, type Job } from '@app/domain';
import { JobChangeNotifier, JobRepository } from '@app/jobs';
import { type JobRef } from '@app/pipeline';

export type StepName = 'plan' | 'keyframes' | 'scene' | 'music' | 'compose';

const FAILURE_CODES: Record<StepName, string> = {
  plan: ErrorCodes.planner,
  keyframes: ErrorCodes.sceneFailed,
  scene: ErrorCodes.sceneFailed,
  music: ErrorCodes.musicFailed,
  compose: ErrorCodes.composeFailed,
};

/**
 * What every step shares: it runs only while its job is live, is aborted (ffmpeg killed) the
 * moment the job turns terminal elsewhere (cancelled, or failed by another step), and on its
 * final failure marks the row failed with a code before BullMQ fails the parent.
 */
@Injectable()
export class JobSteps implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(JobSteps.name);
  private readonly inFlight = new Map<string, Set<AbortController>>();
  private subscription: Subscription | null = null;

  constructor(
    private readonly jobs: JobRepository,
    @Inject(JobChangeNotifier) private readonly notifier: JobChangeNotifier,
  ) {}

  onModuleInit(): void {
    this.subscription = this.notifier.changes$.subscribe((notice) => {
      if (!isTerminal(notice.status)) return;
      for (const controller of this.inFlight.get(notice.id) ?? []) controller.abort(new Error(`job ${notice.status}`));
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /**
   * Runs `work` for a live job. Returns undefined without working when the job is already
   * terminal, or when it turned terminal while working.
   */
  async run<T>(step: StepName, bullJob: BullJob, ref: JobRef, work: (job: Job, signal: AbortSignal) => Promise<T>) {
    const job = await this.jobs.get(ref.tenantId, ref.jobId);
    if (!job) throw new UnrecoverableError(`job row ${ref.jobId} does not exist`);
    if (isTerminal(job.status)) {
      this.logger.log(`${bullJob.id}: job is ${job.status}, skipping ${step}`);
      return undefined;
    }
    const controller = new AbortController();
    const set = this.inFlight.get(ref.jobId) ?? new Set();
    set.add(controller);
    this.inFlight.set(ref.jobId, set);
    try {
      return await work(job, controller.signal);
    } catch (error) {
      if (controller.signal.aborted || isTerminalError(error)) {
        this.logger.log(`${bullJob.id}: stopped because the job ended elsewhere`);
        return undefined;
      }
      const final =
        error instanceof UnrecoverableError ||
        (error instanceof AppError && !error.retryable) ||
        bullJob.attemptsMade + 1 >= (bullJob.opts.attempts ?? 1);
      this.logger.error(`${bullJob.id} attempt ${bullJob.attemptsMade + 1} failed: ${describe(error)}`);
      if (!final) throw error;
      await this.fail(ref, error instanceof AppError ? error.code : FAILURE_CODES[step], describe(error));
      throw new UnrecoverableError(describe(error));
    } finally {
      set.delete(controller);
      if (!set.size) this.inFlight.delete(ref.jobId);
    }
  }

  /** Marks the row failed unless it is already terminal. */
  async fail(ref: JobRef, code: string, message: string): Promise<void> {
    try {
      await this.jobs.update(ref.tenantId, ref.jobId, (job) => {
        job.status = 'failed';
        job.error = { code, message: message.slice(0, 1000) };
        for (const scene of job.scenes)
          if (scene.status === 'running' || scene.status === 'pending') scene.status = 'cancelled';
        if (job.music.status === 'running' || job.music.status === 'pending') job.music.status = 'cancelled';
      });
    } catch (error) {
      if (!isTerminalError(error)) throw error;
    }
  }
}

export function isTerminalError(error: unknown): boolean {
  return error instanceof AppError && error.code === ErrorCodes.terminal;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
