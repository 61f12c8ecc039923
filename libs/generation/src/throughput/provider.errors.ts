import { AppError } from '@app/domain';

/**
 * What a provider failure means for the caller. Every adapter ends in one of these codes, so a
 * job's `error.code` says whether to wait (rate limited), fix configuration (unauthorized),
 * change the request (rejected, limit exceeded) or simply try again later.
 */
export const ProviderErrorCodes = {
  rateLimited: 'PROVIDER.RATE_LIMITED',
  unavailable: 'PROVIDER.UNAVAILABLE',
  timeout: 'PROVIDER.TIMEOUT',
  rejected: 'PROVIDER.REJECTED',
  unauthorized: 'PROVIDER.UNAUTHORIZED',
  failed: 'PROVIDER.FAILED',
  badOutput: 'PROVIDER.BAD_OUTPUT',
  limitExceeded: 'PROVIDER.LIMIT_EXCEEDED',
} as const;
export type ProviderErrorCode = (typeof ProviderErrorCodes)[keyof typeof ProviderErrorCodes];

export interface ProviderErrorDetails {
  provider: string;
  /** the HTTP status the provider answered with, when there was one */
  providerStatus?: number;
  /** how long the provider asked us to wait (Retry-After), or how long until a key is usable again */
  retryAfterMs?: number;
  [key: string]: unknown;
}

export class ProviderError extends AppError {
  constructor(
    code: ProviderErrorCode,
    message: string,
    readonly details: ProviderErrorDetails,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(code, message, { ...options, details });
    this.name = 'ProviderError';
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }

  /** The same failure with a different wait, e.g. 0 when another key can take the next attempt at once. */
  withRetryAfter(retryAfterMs: number | undefined): ProviderError {
    return new ProviderError(
      this.code as ProviderErrorCode,
      this.message,
      { ...this.details, retryAfterMs },
      { cause: this.cause, retryable: this.retryable },
    );
  }
}

export function isProviderError(error: unknown, code?: ProviderErrorCode): error is ProviderError {
  return error instanceof ProviderError && (code === undefined || error.code === code);
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
