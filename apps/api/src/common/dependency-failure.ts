import { AppError, Errors } from '@app/domain';

/** Node socket errors of an unreachable or vanished endpoint. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** AWS SDK error names that mean "not now" rather than "not this request". */
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'MaxRetriesPerRequestError',
  'ServiceUnavailable',
  'InternalServerError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'SlowDown',
]);
/** ioredis: command timeout, no offline queue while disconnected, connection gone. */
const REDIS_MESSAGES = /Command timed out|Stream isn't writeable|Connection is closed|max retries per request/i;

/**
 * A timeout or connection failure of Redis, DynamoDB or S3, anywhere in the cause chain, becomes the
 * catalogued 503 (retryable; the filter adds Retry-After); anything else is returned as it was.
 */
export function asDependencyFailure(error: unknown): unknown {
  if (error instanceof AppError) return error;
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { name, code, message } = e as { name?: string; code?: string; message?: string };
    if (
      (name && UNAVAILABLE_NAMES.has(name)) ||
      (code && CONNECTION_CODES.has(code)) ||
      (message && REDIS_MESSAGES.test(message))
    ) {
      return new AppError(Errors.dependencyUnavailable, 'a backing service did not answer in time; try again shortly', {
        cause: error,
      });
    }
    e = (e as { cause?: unknown }).cause;
  }
  return error;
}
