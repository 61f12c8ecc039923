import { type ErrorCode, type ErrorSpec } from './error-catalog';

/**
 * Every failure the product reports carries a code from the catalog (shown to users as
 * `error.code`), and with it the HTTP status and whether another attempt can help; `cause` keeps
 * what went wrong underneath, `details` what a client may be shown besides the message.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly spec: ErrorSpec,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = spec.code as ErrorCode;
    this.status = spec.status;
    this.retryable = spec.retryable;
    this.details = options.details;
  }

  /** Whether `error` is ours and carries `spec`'s code. */
  static is(error: unknown, spec: ErrorSpec): error is AppError {
    return error instanceof AppError && error.code === spec.code;
  }
}

/**
 * Whether a provider's or a runtime's failure text says it ran out of memory: PyTorch/vLLM's
 * `CUDA out of memory` / `OutOfMemoryError`, onnxruntime's `Failed to allocate memory` and
 * BFCArena messages, a C++ `bad_alloc`.
 */
export function isOutOfMemoryMessage(text: string | null | undefined): boolean {
  return !!text && /out of memory|OutOfMemoryError|\bOOM\b|failed to allocate memory|bad_alloc|BFCArena/i.test(text);
}
