import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ReadableStream as WebReadableStream } from 'node:stream/web';
import { abortError, ProviderError } from '../throughput/provider.errors';
import { Errors, isOutOfMemoryMessage } from '@app/domain';
import { metrics, SpanKind, withSpan } from '@app/observability';

export type FetchLike = typeof fetch;

/** The largest media file a provider may hand us (a minute of 4K is well under it). */
export const MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024;

export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** a plain object is sent as JSON; FormData as multipart; bytes as they are (say their content-type in headers) */
  body?: FormData | Uint8Array | Record<string, unknown>;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * 'manual': a 3xx is an answer the caller reads (its Location), not followed. For redirects to
   * presigned storage URLs, which must not receive the provider's credentials.
   */
  redirect?: 'manual';
}

export interface HttpAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The human part of a provider's error body: FastAPI `detail`, RFC 7807 `detail`/`title`, OpenAI `error.message`. */
export function providerMessage(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const detail = body.detail;
    if (typeof detail === 'string') return detail;
    if (Array.isArray(detail))
      return detail
        .map((d: { loc?: unknown[]; msg?: string }) => `${(d.loc ?? []).join('.')}: ${d.msg ?? JSON.stringify(d)}`)
        .join('; ');
    const error = body.error as { message?: string } | string | undefined;
    if (typeof error === 'string') return error;
    if (error?.message) return error.message;
    if (typeof body.title === 'string') return body.title;
  } catch {
    // not JSON: the text itself, shortened below
  }
  return text.slice(0, 300) || '(empty body)';
}

/** Maps a non-2xx answer to the failure taxonomy: what it means, and whether trying again can help. */
export function errorFromStatus(
  provider: string,
  status: number,
  headers: Headers,
  bodyText: string,
  what: string,
): ProviderError {
  const message = `${provider}: ${what} answered ${status}: ${providerMessage(bodyText)}`;
  const details = { provider, providerStatus: status };
  if (status === 429)
    return new ProviderError(Errors.providerRateLimited, message, {
      ...details,
      retryAfterMs: parseRetryAfter(headers.get('retry-after')),
    });
  if (status === 401 || status === 403) return new ProviderError(Errors.providerUnauthorized, message, details);
  if (status === 408) return new ProviderError(Errors.providerTimeout, message, details);
  if (status >= 500 && isOutOfMemoryMessage(bodyText)) {
    metrics.outOfMemory.inc({ provider, model: 'unknown' });
    return new ProviderError(Errors.providerOutOfMemory, message, details);
  }
  if (status >= 500) return new ProviderError(Errors.providerUnavailable, message, details);
  return new ProviderError(Errors.providerRejected, message, { ...details, notFound: status === 404 });
}

/**
 * The only place the provider adapters touch the network. Every failure leaves as a ProviderError
 * (or an AbortError when the caller cancelled), with per-call timeouts that also cover reading the body.
 */
export class ProviderHttpClient {
  constructor(
    readonly provider: string,
    private readonly fetchImpl: FetchLike = fetch,
  ) {}

  async json<T>(call: HttpCall): Promise<HttpAnswer<T>> {
    return this.send(call, async (response) => {
      const text = await response.text();
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new ProviderError(
          Errors.providerBadOutput,
          `${this.provider}: ${call.method} ${pathOf(call.url)} answered ${response.status} with a body that is not JSON`,
          { provider: this.provider, providerStatus: response.status },
          { cause: error },
        );
      }
    });
  }

  async bytes(call: HttpCall): Promise<HttpAnswer<Buffer>> {
    return this.send(call, async (response) => Buffer.from(await response.arrayBuffer()));
  }

  /**
   * Streams a body to `path`, never holding it in memory; a partial file is removed when the
   * transfer fails. A body over `maxBytes` (by its Content-Length, or as it streams) is refused
   * with PROVIDER.BAD_OUTPUT and the transfer cut: a provider cannot fill the worker's disk.
   */
  async download(call: HttpCall, path: string, maxBytes = MAX_DOWNLOAD_BYTES): Promise<HttpAnswer<number>> {
    return this.send(call, async (response) => {
      if (!response.body) return 0;
      const tooLarge = () =>
        new ProviderError(
          Errors.providerBadOutput,
          `${this.provider}: ${call.method} ${pathOf(call.url)} answered more than ${maxBytes} bytes`,
          { provider: this.provider, providerStatus: response.status },
        );
      const declared = Number(response.headers.get('content-length'));
      if (declared > maxBytes) {
        await response.body.cancel().catch(() => undefined);
        throw tooLarge();
      }
      let bytes = 0;
      const source = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
      const capped = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(bytes > maxBytes ? tooLarge() : null, chunk);
        },
      });
      try {
        await pipeline(source, capped, createWriteStream(path));
      } catch (error) {
        await rm(path, { force: true });
        throw error;
      }
      return bytes;
    });
  }

  /** Every call is a span (`provider <name> <METHOD>`) and counted by outcome with its latency. */
  private send<T>(call: HttpCall, read: (response: Response) => Promise<T>): Promise<HttpAnswer<T>> {
    const started = process.hrtime.bigint();
    return withSpan(
      `provider ${this.provider} ${call.method}`,
      { 'reelsmith.provider': this.provider, 'url.path': pathOf(call.url), 'http.request.method': call.method },
      async (span) => {
        let outcome = 'ok';
        try {
          const answer = await this.sendOnce(call, read);
          span.setAttribute('http.response.status_code', answer.status);
          return answer;
        } catch (error) {
          outcome = outcomeOf(error);
          throw error;
        } finally {
          if (outcome !== 'aborted') {
            metrics.providerRequests.inc({ provider: this.provider, outcome });
            metrics.providerDuration.observe(
              { provider: this.provider },
              Number(process.hrtime.bigint() - started) / 1e9,
            );
          }
        }
      },
      { kind: SpanKind.CLIENT },
    );
  }

  private async sendOnce<T>(call: HttpCall, read: (response: Response) => Promise<T>): Promise<HttpAnswer<T>> {
    const what = `${call.method} ${pathOf(call.url)}`;
    const timeout = AbortSignal.timeout(call.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    let body: FormData | Uint8Array<ArrayBuffer> | string | undefined;
    if (call.body instanceof FormData) body = call.body;
    // Node's Buffers sit on an ArrayBuffer; fetch's types ask for that, not any ArrayBufferLike.
    else if (call.body instanceof Uint8Array) body = call.body as Uint8Array<ArrayBuffer>;
    else if (call.body) {
      body = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }
    try {
      const response = await this.fetchImpl(call.url, {
        method: call.method,
        headers,
        body,
        signal,
        redirect: call.redirect ?? 'follow',
      });
      const redirected = call.redirect === 'manual' && response.status >= 300 && response.status < 400;
      if (!response.ok && !redirected) {
        const text = await response.text().catch(() => '');
        throw errorFromStatus(this.provider, response.status, response.headers, text, what);
      }
      return { status: response.status, headers: response.headers, body: await read(response) };
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      if (call.signal?.aborted) throw abortError(call.signal);
      if (timeout.aborted)
        throw new ProviderError(
          Errors.providerTimeout,
          `${this.provider}: ${what} took longer than ${call.timeoutMs} ms`,
          { provider: this.provider },
          { cause: error },
        );
      const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
      const code = cause?.code ?? cause?.errors?.[0]?.code;
      throw new ProviderError(
        Errors.providerUnavailable,
        `${this.provider}: ${what} failed: ${code ?? (error as Error).message}`,
        // ECONNREFUSED: nothing reached the server, so even a create can be sent again safely
        { provider: this.provider, connectFailed: code === 'ECONNREFUSED' },
        { cause: error },
      );
    }
  }
}

/** The metric outcome of a failed call: what an operator alerts on (429s, 5xx, timeouts). */
function outcomeOf(error: unknown): string {
  if (!(error instanceof ProviderError)) return 'aborted';
  const status = error.details.providerStatus;
  if (error.code === Errors.providerRateLimited.code) return 'rate_limited';
  if (error.code === Errors.providerTimeout.code) return 'timeout';
  if (status !== undefined && status >= 500) return 'server_error';
  if (status === undefined) return 'network_error';
  return status < 400 ? 'bad_output' : 'client_error';
}

/** Logs and messages name the path only: base URLs may carry credentials, queries may carry tokens. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(bad url)';
  }
}
