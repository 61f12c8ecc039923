/**
 * Every failure the product reports carries a stable code (shown to users as `error.code`) and,
 * where there is one, the underlying cause. `retryable` tells the queue whether another attempt can help.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly options: { cause?: unknown; retryable?: boolean; status?: number; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
  }

  get retryable(): boolean {
    return this.options.retryable ?? false;
  }
}

export const ErrorCodes = {
  validation: 'REQUEST.INVALID',
  notFound: 'JOB.NOT_FOUND',
  conflict: 'JOB.CONFLICT',
  terminal: 'JOB.TERMINAL',
  cancelled: 'JOB.CANCELLED',
  idempotencyMismatch: 'REQUEST.IDEMPOTENCY_KEY_REUSED',
  unauthorized: 'AUTH.UNAUTHORIZED',
  planner: 'PLANNER.FAILED',
  invalidStoryboard: 'PLANNER.INVALID_STORYBOARD',
  sceneFailed: 'SCENE.GENERATION_FAILED',
  musicFailed: 'MUSIC.GENERATION_FAILED',
  composeFailed: 'COMPOSE.FAILED',
  ffmpeg: 'MEDIA.FFMPEG_FAILED',
  interrupted: 'JOB.INTERRUPTED',
  internal: 'INTERNAL',
} as const;
