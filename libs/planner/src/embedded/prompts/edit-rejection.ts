import { AppError, Errors } from '@app/domain';

/**
 * A request that was understood but cannot be applied (scene 9 of 5, a 200-second ad). It is the
 * person's to fix, so it maps to 400 with a message saying why; an unrecognised request is not an error.
 */
export function rejectEdit(message: string): AppError {
  return new AppError(Errors.requestInvalid, message);
}
