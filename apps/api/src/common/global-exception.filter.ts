import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { AppError, type ErrorSpec, Errors, type Problem } from '@app/domain';
import { asDependencyFailure } from './dependency-failure';
import { bodyParserError } from './request-intake.middleware';

export class ValidationError extends AppError {
  constructor(readonly problems: Problem[]) {
    super(Errors.requestInvalid, `${problems.length} problem(s) with the request`);
  }
}

/** Long enough for a stalled Redis or a failover to come back, short enough that a client does not give up. */
const RETRY_AFTER_SEC = 2;

const MALFORMED_JSON: Problem[] = [{ field: '(body)', reason: 'malformed JSON' }];

/** One mapping from errors to HTTP: a stable code, a message, the problems of a bad request, a correlation id. */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(thrown: unknown, host: ArgumentsHost): void {
    const exception = asDependencyFailure(thrown);
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    // The request id the request middleware gave this request (and every log line of it).
    const correlationId = String(request.id ?? request.headers['x-request-id'] ?? randomUUID());
    const { status, body } = toHttp(exception);
    response.locals.errorCode = body.code;
    if (status >= 500) {
      this.logger.error(`${correlationId} ${request.method} ${request.path}: ${describe(exception)}`);
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    // a retryable 503 (a stalled dependency, a provider busy): say when to come back
    if (status === 503 && !response.getHeader('retry-after'))
      response.setHeader('Retry-After', String(RETRY_AFTER_SEC));
    response.status(status).setHeader('x-request-id', correlationId).json({ error: body, correlationId });
  }
}

export function toHttp(exception: unknown): { status: number; body: Record<string, unknown> } {
  if (exception instanceof ValidationError) {
    return { status: 400, body: { code: exception.code, message: exception.message, problems: exception.problems } };
  }
  if (exception instanceof AppError) {
    return {
      status: exception.status,
      body: { code: exception.code, message: exception.message, ...exception.details },
    };
  }
  // express.json() rejects malformed bodies before any handler runs.
  const malformed =
    (exception as { type?: string })?.type === 'entity.parse.failed' ||
    (exception instanceof HttpException && exception.getStatus() === 400 && /JSON/i.test(exception.message));
  if (malformed) {
    return body(400, Errors.requestInvalid, 'the body is not valid JSON', { problems: MALFORMED_JSON });
  }
  const parser = bodyParserError(exception);
  if (parser) return toHttp(parser);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return body(status, status === 404 ? Errors.routeNotFound : Errors.requestRefused, exception.message);
  }
  return body(500, Errors.internal, 'internal error');
}

function body(status: number, spec: ErrorSpec, message: string, extra: Record<string, unknown> = {}) {
  return { status, body: { code: spec.code, message, ...extra } };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
}
