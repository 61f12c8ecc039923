import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { AppError, ErrorCodes, type Problem } from '@app/domain';

export class ValidationError extends AppError {
  constructor(readonly problems: Problem[]) {
    super(ErrorCodes.validation, `${problems.length} problem(s) with the request`, { status: 400 });
  }
}

/** One mapping from errors to HTTP: a stable code, a message, the problems of a bad request, a correlation id. */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const correlationId = String(request.headers['x-request-id'] ?? randomUUID());
    const { status, body } = this.toHttp(exception);
    if (status >= 500) {
      this.logger.error(`${correlationId} ${request.method} ${request.path}: ${describe(exception)}`);
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).setHeader('x-request-id', correlationId).json({ error: body, correlationId });
  }

  private toHttp(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (exception instanceof ValidationError) {
      return { status: 400, body: { code: exception.code, message: exception.message, problems: exception.problems } };
    }
    if (exception instanceof AppError) {
      return {
        status: exception.options.status ?? 500,
        body: { code: exception.code, message: exception.message, ...exception.options.details },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // express.json() rejects malformed bodies before any handler runs.
      const malformed = status === 400 && /JSON/i.test(exception.message);
      return {
        status,
        body: malformed
          ? {
              code: ErrorCodes.validation,
              message: 'the body is not valid JSON',
              problems: [{ field: '(body)', reason: 'malformed JSON' }],
            }
          : { code: `HTTP.${status}`, message: exception.message },
      };
    }
    if ((exception as { type?: string })?.type === 'entity.parse.failed') {
      return {
        status: 400,
        body: {
          code: ErrorCodes.validation,
          message: 'the body is not valid JSON',
          problems: [{ field: '(body)', reason: 'malformed JSON' }],
        },
      };
    }
    return { status: 500, body: { code: ErrorCodes.internal, message: 'internal error' } };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
}
