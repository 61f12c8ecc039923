/**
 * Every error code a client or a job row can show, declared once: its HTTP status (when it
 * answers a request) and whether another attempt can help (the queue retries only those).
 * Code strings appear nowhere else; the lint forbids them outside this file.
 */
export interface ErrorSpec {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
}

const spec = <C extends string>(code: C, status: number, retryable: boolean) => ({ code, status, retryable }) as const;

export const Errors = {
  // the request itself
  requestInvalid: spec('REQUEST.INVALID', 400, false),
  idempotencyKeyReused: spec('REQUEST.IDEMPOTENCY_KEY_REUSED', 422, false),
  /** a retried submit raced the first one's claim on its Idempotency-Key */
  idempotencyRace: spec('REQUEST.IDEMPOTENCY_RACE', 409, true),
  routeNotFound: spec('REQUEST.ROUTE_NOT_FOUND', 404, false),
  /** any other HTTP-level refusal the framework raises before a handler runs */
  requestRefused: spec('REQUEST.REFUSED', 400, false),
  /** the body is larger than BODY_LIMIT_BYTES (after decompression) */
  requestTooLarge: spec('REQUEST.TOO_LARGE', 413, false),
  /** the body is not JSON, or not UTF-8, or compressed in a way we do not read */
  unsupportedMediaType: spec('REQUEST.UNSUPPORTED_MEDIA_TYPE', 415, false),
  /** the tenant's request budget for this class of route is spent for now (Retry-After says when) */
  rateLimited: spec('REQUEST.RATE_LIMITED', 429, true),
  /** the tenant already has as many live jobs or open streams as it may */
  quotaExceeded: spec('QUOTA.EXCEEDED', 429, true),
  /** the tenant's spend this calendar month reached MONTHLY_SPEND_CAP_USD */
  monthlySpendCapReached: spec('BUDGET.MONTHLY_CAP_REACHED', 402, false),
  // who is calling
  unauthorized: spec('AUTH.UNAUTHORIZED', 401, false),
  /** a valid caller without the role the route needs (e.g. admin) */
  forbidden: spec('AUTH.FORBIDDEN', 403, false),
  /** a valid token that names no usable tenant */
  noTenant: spec('AUTH.NO_TENANT', 403, false),
  /** the OIDC issuer's discovery document or keys cannot be fetched */
  authUnavailable: spec('AUTH.PROVIDER_UNAVAILABLE', 503, true),
  /** Redis, DynamoDB or S3 did not answer in time (stalled, down, failing over): try again shortly */
  dependencyUnavailable: spec('DEPENDENCY.UNAVAILABLE', 503, true),
  // the job
  jobNotFound: spec('JOB.NOT_FOUND', 404, false),
  jobConflict: spec('JOB.CONFLICT', 409, false),
  jobTerminal: spec('JOB.TERMINAL', 409, false),
  /** what needs a finished job (its archive) was asked of one still running */
  jobNotCompleted: spec('JOB.NOT_COMPLETED', 409, false),
  jobInvalidTransition: spec('JOB.INVALID_TRANSITION', 500, false),
  /** a revision was asked of a job that is running, cancelled, or never finished */
  jobNotRevisable: spec('JOB.NOT_REVISABLE', 409, false),
  /**
   * the submit that wrote this row answered 503 (the write timed out, then landed late) and had no
   * Idempotency-Key: the row is withdrawn so that the client's retry is the only job
   */
  jobWithdrawn: spec('JOB.WITHDRAWN', 503, true),
  /** the worker found the job's work gone or failed after a restart */
  jobInterrupted: spec('JOB.INTERRUPTED', 500, false),
  /** queued or stuck longer than the stale-job threshold; ended by the sweep or an operator */
  jobExpired: spec('JOB.EXPIRED', 500, false),
  budgetExceeded: spec('BUDGET.EXCEEDED', 402, false),
  // planning and prompt tools
  plannerFailed: spec('PLANNER.FAILED', 500, false),
  invalidStoryboard: spec('PLANNER.INVALID_STORYBOARD', 502, false),
  plannerTimeout: spec('PLANNER.TIMEOUT', 504, true),
  plannerRateLimited: spec('PLANNER.RATE_LIMITED', 503, true),
  plannerUnavailable: spec('PLANNER.UNAVAILABLE', 503, true),
  plannerUnauthorized: spec('PLANNER.UNAUTHORIZED', 502, false),
  plannerRejected: spec('PLANNER.REJECTED', 502, false),
  /** a prompt tool's edit produced something invalid: a bug, not the caller's fault */
  promptToolFailed: spec('PROMPT_TOOL.FAILED', 500, false),
  // safety
  safetyBlocked: spec('SAFETY.BLOCKED', 422, false),
  /** a generated clip failed the output classifier; the same clip fails the same way */
  outputBlocked: spec('SAFETY.OUTPUT_BLOCKED', 422, false),
  // generation steps (the row's code when a step fails with nothing more specific)
  sceneFailed: spec('SCENE.GENERATION_FAILED', 500, false),
  /** anchored scenes need an image model for their keyframes and none is configured */
  keyframesUnavailable: spec('SCENE.KEYFRAMES_UNAVAILABLE', 500, false),
  musicFailed: spec('MUSIC.GENERATION_FAILED', 500, false),
  composeFailed: spec('COMPOSE.FAILED', 500, false),
  /** the brief's compliance text cannot be read on screen within the ad's length */
  complianceTooLong: spec('COMPOSE.COMPLIANCE_TOO_LONG', 400, false),
  /** the watermark logo is not a PNG */
  invalidLogo: spec('COMPOSE.INVALID_LOGO', 400, false),
  // media and in-process inference
  ffmpegFailed: spec('MEDIA.FFMPEG_FAILED', 500, false),
  /** ffmpeg was killed by a signal we did not send (the OOM killer, a container stop): may not happen again */
  ffmpegKilled: spec('MEDIA.FFMPEG_KILLED', 500, true),
  /** ffmpeg or ffprobe outlived its deadline (scaled by the media's duration) and was killed */
  ffmpegTimeout: spec('MEDIA.FFMPEG_TIMEOUT', 500, true),
  /** the worker's disk is below MIN_FREE_DISK_MB: a step does not start (another worker, or later, may have room) */
  diskLow: spec('WORKER.DISK_LOW', 503, true),
  inferenceFailed: spec('INFERENCE.FAILED', 500, false),
  // generation providers: whether to wait, fix configuration, or change the request
  unknownProfile: spec('PROVIDER.UNKNOWN_PROFILE', 400, false),
  providerRateLimited: spec('PROVIDER.RATE_LIMITED', 503, true),
  providerUnavailable: spec('PROVIDER.UNAVAILABLE', 503, true),
  providerTimeout: spec('PROVIDER.TIMEOUT', 504, true),
  providerRejected: spec('PROVIDER.REJECTED', 502, false),
  providerUnauthorized: spec('PROVIDER.UNAUTHORIZED', 502, false),
  /** the provider's job failed on its side; another job may succeed */
  providerFailed: spec('PROVIDER.FAILED', 502, true),
  providerBadOutput: spec('PROVIDER.BAD_OUTPUT', 502, true),
  /** the model ran out of (GPU) memory on the provider or in the runtime: retried smaller or on another slot */
  providerOutOfMemory: spec('PROVIDER.OUT_OF_MEMORY', 503, true),
  /** a create answered with something unreadable: it may have been made, so it is never sent again */
  providerUnconfirmedCreate: spec('PROVIDER.UNCONFIRMED_CREATE', 502, false),
  providerLimitExceeded: spec('PROVIDER.LIMIT_EXCEEDED', 400, false),
  // single assets and batches
  assetFailed: spec('ASSET.GENERATION_FAILED', 500, false),
  /** an input image, mask or video named by the request (an upload or an earlier output) cannot be used */
  assetInputInvalid: spec('ASSET.INPUT_INVALID', 400, false),
  /** a GIF cannot be made under the size cap the request set, even at its smallest */
  assetOverSizeCap: spec('ASSET.OVER_SIZE_CAP', 422, false),
  batchNotFound: spec('BATCH.NOT_FOUND', 404, false),
  // webhooks
  webhookInvalid: spec('WEBHOOK.INVALID', 401, false),
  webhookNotConfigured: spec('WEBHOOK.NOT_CONFIGURED', 404, false),
  internal: spec('INTERNAL', 500, false),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof Errors;
export type ErrorCode = (typeof Errors)[ErrorName]['code'];

const BY_CODE = new Map<string, ErrorSpec>(Object.values(Errors).map((e) => [e.code, e]));

/** The catalog entry of a code read back from a row or a message, if it is one of ours. */
export function errorSpecOf(code: string): ErrorSpec | undefined {
  return BY_CODE.get(code);
}
