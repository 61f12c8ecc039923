import { AppError } from '@app/domain';
import { isAbortError, sleep as defaultSleep } from './provider.errors';

export interface RetryPolicy {
  /** total tries, the first included */
  attempts: number;
  /** the backoff ceiling of the first retry; doubles each retry */
  baseMs: number;
  /** the backoff ceiling never grows past this */
  maxMs: number;
  /** a provider's Retry-After is honoured up to this; longer waits are the queue's business, not a sleeping worker's */
  maxRetryAfterMs?: number;
}

export interface RetryOptions extends RetryPolicy {
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** injectable for tests */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** which failures another try may fix; default: those that say they are retryable */
  retryIf?: (error: unknown) => boolean;
}

export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/**
 * Whether another try can help: errors whose code says so (429, 5xx, timeouts, unreadable output),
 * and a refusal of one key when another key can take the next try (`nextKey`).
 */
export function isRetryable(error: unknown): boolean {
  if (isAbortError(error)) return false;
  return error instanceof AppError && (error.retryable || error.details?.nextKey === true);
}

function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof AppError)) return undefined;
  const value = error.details?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * How long to wait before try `attempt + 1` after `error` ended try `attempt` (1-based).
 * Full jitter (uniform in [0, min(max, base * 2^(attempt-1))]) keeps many workers that failed together
 * from retrying together; a Retry-After the provider sent is waited out exactly instead.
 */
export function retryDelayMs(error: unknown, attempt: number, policy: RetryPolicy, random: () => number): number {
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `fn` until it succeeds, fails with an error that is not retryable, or `attempts` run out;
 * the last error is thrown as it came, so its code tells the caller what finally went wrong.
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) await sleep(0, options.signal);
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || isAbortError(error) || !(options.retryIf ?? isRetryable)(error)) throw error;
      const delay = retryDelayMs(error, attempt, options, random);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

/**
 * For requests that create something billable (a prediction, a GPU job): send again only when the
 * provider certainly did not take the first one (429, 503, refused credentials, connection refused). After a 500, a 504 or
 * a timeout the job may exist already; sending again could pay twice, so that failure goes up instead
 * (the job-level retry then resumes or recreates knowingly). The Replicate SDKs draw the same line.
 */
export function isSafeToResend(error: unknown): boolean {
  if (!isRetryable(error) || !(error instanceof AppError)) return false;
  const details = error.details ?? {};
  return [401, 403, 429, 503].includes(details.providerStatus as number) || details.connectFailed === true;
}
