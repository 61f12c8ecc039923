import {
  type Attributes,
  context,
  type Context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { type ObservabilityConfig } from '@app/config';

const TRACER = 'reelsmith';
let provider: NodeTracerProvider | null = null;

/**
 * OpenTelemetry traces over OTLP/HTTP (JSON) when OTEL_EXPORTER_OTLP_ENDPOINT is set; without it
 * the API's no-op tracer stays in place and every span below costs nothing. Registers the
 * AsyncLocalStorage context manager and the W3C trace-context propagator.
 */
export function startTracing(config: Pick<ObservabilityConfig, 'otlpEndpoint'>, service: string): boolean {
  if (!config.otlpEndpoint || provider) return Boolean(provider);
  const url = `${config.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register();
  return true;
}

/** Sends what is buffered and stops; called on shutdown so the last spans are not lost. */
export async function stopTracing(): Promise<void> {
  const current = provider;
  provider = null;
  await current?.shutdown().catch(() => undefined);
}

/**
 * Runs `work` in a span (a child of the active one, or of `parent`), recording a thrown error and
 * ending the span however `work` ends.
 */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  opts: { parent?: Context; kind?: SpanKind } = {},
): Promise<T> {
  const tracer = trace.getTracer(TRACER);
  return tracer.startActiveSpan(
    name,
    { attributes, kind: opts.kind ?? SpanKind.INTERNAL },
    opts.parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** The active span's W3C `traceparent`, to carry in a queue payload; undefined when nothing is traced. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a payload's `traceparent` continues (the root context when there is none). */
export function contextOf(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

export { SpanKind };
