import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Job as BullJob, UnrecoverableError } from 'bullmq';
import { type Subscription } from 'rxjs';
import { AppError, type ErrorCode, Errors, type ErrorSpec, failed, isTerminal, type Job } from '@app/domain';
import { JobChangeNotifier, JobRepository } from '@app/persistence';
import { type JobRef } from '@app/pipeline';

export type StepName = 'plan' | 'keyframes' | 'scene' | 'music' | 'soundtrack' | 'compose' | 'asset';

const FAILURE_CODES: Record<StepName, ErrorSpec> = {
  plan: Errors.plannerFailed,
  keyframes: Errors.sceneFailed,
  scene: Errors.sceneFailed,
  music: Errors.musicFailed,
  soundtrack: Errors.composeFailed,
  compose: Errors.composeFailed,
  asset: Errors.assetFailed,
};

/**
 * What every step shares: it runs only while its job is live, is aborted (ffmpeg killed) the
 * moment the job turns terminal elsewhere (cancelled, or failed by another step), and on its
 * final failure marks the row failed with a code before BullMQ fails the parent.
 */
@Injectable()
export class StepRunner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(StepRunner.name);
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
      this.logger.error(`${bullJob.id} attempt ${bullJob.attemptsMade + 1} failed: ${codeOf(error)}${describe(error)}`);
      if (!final) throw error;
      await this.fail(
        ref,
        error instanceof AppError ? error.code : (FAILURE_CODES[step].code as ErrorCode),
        describe(error),
      );
      throw new UnrecoverableError(describe(error));
    } finally {
      set.delete(controller);
      if (!set.size) this.inFlight.delete(ref.jobId);
    }
  }

  /** Marks the row failed unless it is already terminal. */
  async fail(ref: JobRef, code: ErrorCode, message: string): Promise<void> {
    try {
      await this.jobs.update(ref.tenantId, ref.jobId, failed({ code, message }));
    } catch (error) {
      if (!isTerminalError(error)) throw error;
    }
  }
}

export function isTerminalError(error: unknown): boolean {
  return AppError.is(error, Errors.jobTerminal);
}

/** `CODE: ` for the log line of a catalogued error, so an operator can grep for it. */
function codeOf(error: unknown): string {
  return error instanceof AppError ? `${error.code}: ` : '';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
