import { type NextFunction, type Request, type Response } from 'express';
import { AppError, Errors } from '@app/domain';

/** A client's correlation id is kept only when it is short and plain; anything else is replaced, never reflected. */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every body the API reads is JSON: a form, text or anything else is refused with 415 before the
 * body is read or the caller authenticated. (Charset and encoding are the JSON parser's to refuse.)
 */
export function jsonBodiesOnly(req: Request, _res: Response, next: NextFunction): void {
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (hasBody && charset && charset !== 'utf-8' && charset !== 'utf8') {
    next(new AppError(Errors.unsupportedMediaType, 'the body must be UTF-8 JSON'));
    return;
  }
  if (hasBody && req.is('application/json') === false) {
    next(
      new AppError(
        Errors.unsupportedMediaType,
        `the body must be application/json, not ${req.headers['content-type'] ?? 'untyped'}`,
      ),
    );
    return;
  }
  next();
}

/** The JSON parser's own refusals (too large, bad charset or encoding, not JSON), as our codes. */
export function bodyParserError(exception: unknown): AppError | null {
  const e = exception as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown } | null;
  // A decompression failure comes as zlib's own error with a status and `expose` set, but no type.
  if (!e || typeof e.status !== 'number' || (typeof e.type !== 'string' && e.expose !== true)) return null;
  switch (e.status) {
    case 413:
      return new AppError(Errors.requestTooLarge, 'the body is too large (after decompression)');
    case 415:
      return new AppError(
        Errors.unsupportedMediaType,
        e.type === 'charset.unsupported'
          ? 'the body must be UTF-8 JSON'
          : 'the body’s Content-Encoding is not one we read (gzip, deflate, br or none)',
      );
    default:
      return e.status >= 400 && e.status < 500
        ? new AppError(Errors.requestInvalid, 'the body could not be read')
        : null;
  }
}
