import { AppError, type ErrorSpec } from '@app/domain';

export interface ProviderErrorDetails {
  provider: string;
  /** the HTTP status the provider answered with, when there was one */
  providerStatus?: number;
  /** how long the provider asked us to wait (Retry-After), or how long until a key is usable again */
  retryAfterMs?: number;
  [key: string]: unknown;
}

/**
 * A provider failure, always one of the catalog's `PROVIDER.*` codes, so a job's `error.code` says
 * whether to wait (rate limited), fix configuration (unauthorized), change the request (rejected,
 * limit exceeded) or simply try again later.
 */
export class ProviderError extends AppError {
  declare readonly details: ProviderErrorDetails;

  constructor(spec: ErrorSpec, message: string, details: ProviderErrorDetails, options: { cause?: unknown } = {}) {
    super(spec, message, { ...options, details });
    this.name = 'ProviderError';
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }

  /** The same failure with a different wait, e.g. 0 when another key can take the next attempt at once. */
  withRetryAfter(retryAfterMs: number | undefined): ProviderError {
    return new ProviderError(this.spec, this.message, { ...this.details, retryAfterMs }, { cause: this.cause });
  }
}

export function isProviderError(error: unknown, spec?: ErrorSpec): error is ProviderError {
  return error instanceof ProviderError && (spec === undefined || error.code === spec.code);
}

/** True for our own cancellation: it must end the step at once, never be retried or reported as a provider fault. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

export function abortError(signal: AbortSignal): Error {
  const error = new Error('the operation was aborted', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}

/** Resolves after `ms`, or rejects with an AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
