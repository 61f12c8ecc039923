import { type ProviderIntent, type ProviderJobRef, type StepOptions } from '../generation.ports';
import { isProviderError, ProviderError, sleep } from '../throughput/provider.errors';
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
  /**
   * Creates the (billed) job; holds a concurrency slot until the runner releases it. `beforeSend` is
   * awaited with the create's intent once its endpoint is chosen and before the request goes out.
   */
  create(
    signal?: AbortSignal,
    beforeSend?: (intent: ProviderIntent) => Promise<void>,
  ): Promise<{ ref: ProviderJobRef; snapshot: JobSnapshot<S>; lease: SemaphoreLease }>;
  /**
   * The provider's jobs that an intent's create may have made (same endpoint, model and echoed
   * fields, created in the intent's time window), likeliest first; for providers that list jobs.
   */
  findOrphans?(intent: ProviderIntent, signal?: AbortSignal): Promise<ProviderJobRef[]>;
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
 *
 * Never paying twice: a recorded job (`resume`) is polled again; a create that was sent but never
 * recorded (`resumeIntent`: the process died between the provider's answer and the record) is looked
 * for among the provider's jobs and the first one this generation can claim is adopted; only then is
 * a new job created, its intent handed to `onProviderIntent` before the request is sent.
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
    if (!snapshot && options.resumeIntent) {
      const adopted = await adoptOrphan(driver, options.resumeIntent, options, signal);
      if (adopted) ({ ref, snapshot, lease } = adopted);
    }
    if (!snapshot) {
      const made = await driver.create(signal, options.onProviderIntent);
      ({ ref, snapshot, lease } = made);
      created = true;
      if (options.claimProviderJob && !(await options.claimProviderJob(made.ref))) {
        // A restarted attempt elsewhere adopted it in the instant before our claim: it is theirs now.
        throw new ProviderError(
          Errors.providerFailed,
          `${driver.provider}: job ${made.ref.id} was adopted by another attempt before it could be recorded`,
          { provider: driver.provider, jobId: made.ref.id },
        );
      }
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

/**
 * The first job an unrecorded create made that this generation can claim and the provider still has
 * (a failed or vanished one is passed over), recorded through `onProviderJob` like a fresh create.
 */
async function adoptOrphan<S>(
  driver: JobDriver<S>,
  intent: ProviderIntent,
  options: StepOptions,
  signal?: AbortSignal,
): Promise<{ ref: ProviderJobRef; snapshot: JobSnapshot<S>; lease: SemaphoreLease } | null> {
  if (!driver.findOrphans || !options.claimProviderJob || intent.provider !== driver.provider) return null;
  let candidates: ProviderJobRef[];
  try {
    candidates = await driver.findOrphans(intent, signal);
  } catch (error) {
    // A server without the list (an older release answers 404 or 405) cannot be asked: create anew.
    if (isProviderError(error, Errors.providerRejected)) return null;
    throw error;
  }
  for (const candidate of candidates) {
    if (!(await options.claimProviderJob(candidate))) continue;
    const resumed = await driver.resume(candidate, signal);
    if (!resumed) continue;
    metrics.providerJobsAdopted.inc({ provider: driver.provider });
    try {
      await options.onProviderJob?.(candidate, true);
    } catch (error) {
      await resumed.lease.release();
      throw error;
    }
    return { ref: candidate, ...resumed };
  }
  return null;
}
