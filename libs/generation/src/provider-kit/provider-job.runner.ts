import { type ProviderJobRef, type StepOptions } from '../generation.ports';
import { ProviderError, sleep } from '../throughput/provider.errors';
import { Errors, isOutOfMemoryMessage } from '@app/domain';
import { metrics } from '@app/observability';
import { type SemaphoreLease } from '../throughput/provider-semaphore.service';

export type JobPhase = 'pending' | 'succeeded' | 'failed';

export interface JobSnapshot<S> {
  state: S;
  phase: JobPhase;
  /** 0..1 when the provider reports it */
  progress?: number;
  /** the provider's reason when failed */
  error?: string;
}

/** One provider's job lifecycle; the runner owns the order (create, record, poll) and the deadline. */
export interface JobDriver<S> {
  readonly provider: string;
  /** the model the job runs, for metrics and out-of-memory counts */
  readonly model?: string;
  /** creates the (billed) job; holds a concurrency slot until the runner releases it */
  create(signal?: AbortSignal): Promise<{ ref: ProviderJobRef; snapshot: JobSnapshot<S>; lease: SemaphoreLease }>;
  /** the earlier attempt's job, or null when it is gone (deleted, expired, failed) and must be made again */
  resume(
    ref: ProviderJobRef,
    signal?: AbortSignal,
  ): Promise<{ snapshot: JobSnapshot<S>; lease: SemaphoreLease } | null>;
  poll(ref: ProviderJobRef, signal?: AbortSignal): Promise<JobSnapshot<S>>;
  /** resolves early when the provider pushes the job's end (webhooks); null: wait out the delay */
  waitForPush?(ref: ProviderJobRef, delayMs: number, signal?: AbortSignal): Promise<JobSnapshot<S> | null>;
  /** best effort: stops a job we can no longer use */
  cancel(ref: ProviderJobRef): Promise<void>;
}

export interface PollTiming {
  initialMs: number;
  maxMs: number;
  /** each wait is this much longer than the one before */
  factor?: number;
}

export interface JobRunResult<S> {
  ref: ProviderJobRef;
  state: S;
  /** whether this run created the job (false: resumed the earlier attempt's) */
  created: boolean;
}

/**
 * Create (or resume) a provider job, hand its ref to `onProviderJob` before anything else can go
 * wrong, then poll with growing waits until it ends. Polling stops at `timeoutMs` with
 * PROVIDER.TIMEOUT, leaving the job running so the next attempt can resume it; a failed job is
 * PROVIDER.FAILED (the next attempt makes a new one, since resuming a failed job finds it gone).
 */
export async function runProviderJob<S>(
  driver: JobDriver<S>,
  options: StepOptions,
  timing: PollTiming & { timeoutMs: number },
  onProgress?: (fraction: number) => void,
): Promise<JobRunResult<S>> {
  const { signal } = options;
  let ref: ProviderJobRef | null = options.resume ?? null;
  let snapshot: JobSnapshot<S> | null = null;
  let lease: SemaphoreLease | null = null;
  let created = false;
  try {
    if (ref) {
      const resumed = await driver.resume(ref, signal);
      if (resumed) ({ snapshot, lease } = resumed);
    }
    if (!snapshot) {
      const made = await driver.create(signal);
      ({ ref, snapshot, lease } = made);
      created = true;
      try {
        await options.onProviderJob?.(made.ref);
      } catch (error) {
        // Unrecorded, the job could never be resumed or cancelled later: stop paying for it now.
        await driver.cancel(made.ref).catch(() => undefined);
        throw error;
      }
    }
    const jobRef = ref!;
    const deadline = Date.now() + timing.timeoutMs;
    let delay = timing.initialMs;
    while (snapshot.phase === 'pending') {
      if (snapshot.progress !== undefined) onProgress?.(snapshot.progress);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new ProviderError(
          Errors.providerTimeout,
          `${driver.provider}: job ${jobRef.id} did not finish within ${Math.round(timing.timeoutMs / 1000)} s`,
          { provider: driver.provider, jobId: jobRef.id },
        );
      const wait = Math.min(delay, left);
      const pushed = driver.waitForPush
        ? await driver.waitForPush(jobRef, wait, signal)
        : (await sleep(wait, signal), null);
      snapshot = pushed ?? (await driver.poll(jobRef, signal));
      delay = Math.min(timing.maxMs, delay * (timing.factor ?? 1.5));
    }
    if (snapshot.phase === 'failed') {
      const outOfMemory = isOutOfMemoryMessage(snapshot.error);
      if (outOfMemory) metrics.outOfMemory.inc({ provider: driver.provider, model: driver.model ?? 'unknown' });
      throw new ProviderError(
        // Out of memory is worth another attempt on a smaller request or another slot; the count says how often.
        outOfMemory ? Errors.providerOutOfMemory : Errors.providerFailed,
        `${driver.provider}: job ${jobRef.id} failed: ${snapshot.error ?? 'no reason given'}`,
        { provider: driver.provider, model: driver.model, jobId: jobRef.id, reason: snapshot.error },
      );
    }
    onProgress?.(1);
    return { ref: jobRef, state: snapshot.state, created };
  } finally {
    await lease?.release();
  }
}
