import { type RetryPolicy } from '../throughput/retry.util';
import { type PollTiming } from './provider-job.runner';

/** Timings every adapter shares; production defaults, shortened by tests. */
export interface AdapterTuning {
  poll: PollTiming;
  /** with webhooks the push usually ends the wait; polling only backs it up */
  pollWithWebhook: PollTiming;
  requestTimeoutMs: number;
  downloadTimeoutMs: number;
  retry: RetryPolicy;
  /** a concurrency slot is lost this long after its holder stops renewing it (crash) */
  leaseMs: number;
  /** how often a worker waiting for a slot looks again */
  slotPollMs: number;
  /**
   * A listed job this young is not adopted as a crashed attempt's: its creator, were it alive, records
   * and claims it within milliseconds of the answer, so only an older one can be an orphan.
   */
  orphanMinAgeMs: number;
}

export const DEFAULT_TUNING: AdapterTuning = {
  poll: { initialMs: 2_000, maxMs: 15_000, factor: 1.5 },
  pollWithWebhook: { initialMs: 10_000, maxMs: 60_000, factor: 2 },
  requestTimeoutMs: 30_000,
  downloadTimeoutMs: 300_000,
  retry: { attempts: 6, baseMs: 500, maxMs: 15_000, maxRetryAfterMs: 60_000 },
  leaseMs: 60_000,
  slotPollMs: 250,
  orphanMinAgeMs: 3_000,
};

export function tuningWith(overrides: Partial<AdapterTuning> = {}): AdapterTuning {
  return { ...DEFAULT_TUNING, ...overrides };
}
