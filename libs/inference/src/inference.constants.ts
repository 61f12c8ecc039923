/**
 * Error codes this lib throws with `AppError`. They live here, not in `@app/domain`'s `ErrorCodes`,
 * because only inference raises them; the strings are stable all the same.
 */
export const InferenceErrorCodes = {
  /** A generated clip failed the output-safety check; another attempt would render the same thing. */
  outputBlocked: 'SAFETY.OUTPUT_BLOCKED',
  /** A model could not be loaded or run, or gave output that breaks its contract. */
  failed: 'INFERENCE.FAILED',
} as const;
