import { randomUUID } from 'node:crypto';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type NextFunction, type Request, type Response } from 'express';
import { metrics } from '@app/observability';
import { type TenantRequest } from '../common/api-key.guard';
import { type AuditLog } from './audit-log';
import { REQUEST_ID } from '../common/request-intake.middleware';

/** The route pattern a request matched (bounded label values), or what kind of path it was. */
export function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  if (req.originalUrl.startsWith('/admin/queues')) return '/admin/queues';
  if (req.originalUrl.startsWith('/docs')) return '/docs';
  return '(unmatched)';
}

/**
 * The first middleware of every request: its id (`x-request-id`, echoed on the answer and bound to
 * every log line by nestjs-pino), a server span (continuing an incoming `traceparent`), and, once
 * answered, the HTTP metrics and one audit record.
 */
export function requestObservability(audit: AuditLog) {
  return (req: TenantRequest, res: Response, next: NextFunction) => {
    const header = req.headers['x-request-id'];
    const given = Array.isArray(header) ? header[0] : header;
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    req.id = requestId;
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = trace
      .getTracer('reelsmith')
      .startSpan(
        `${req.method} ${req.path}`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'reelsmith.request_id': requestId } },
        parent,
      );
    res.once('finish', () => {
      const route = routeOf(req);
      const status = res.statusCode;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (route !== '/metrics') {
        const labels = { method: req.method, route, status: String(status) };
        metrics.httpRequests.inc(labels);
        metrics.httpDuration.observe(labels, seconds);
      }
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({
        'http.route': route,
        'http.response.status_code': status,
        ...(req.tenantId ? { 'reelsmith.tenant_id': req.tenantId } : {}),
        ...(res.locals.jobId ? { 'reelsmith.job_id': String(res.locals.jobId) } : {}),
      });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      audit.write({
        time: new Date().toISOString(),
        requestId,
        method: req.method,
        route,
        path: req.path,
        tenantId: req.tenantId ?? null,
        actor: req.actor ?? null,
        status,
        latencyMs: Math.round(seconds * 1000),
        errorCode: typeof res.locals.errorCode === 'string' ? res.locals.errorCode : null,
      });
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
