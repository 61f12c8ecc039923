import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ReadableStream as WebReadableStream } from 'node:stream/web';
import { abortError, ProviderError, ProviderErrorCodes } from '../throughput/provider.errors';

export type FetchLike = typeof fetch;

export interface HttpCall {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** a plain object is sent as JSON; FormData as multipart */
  body?: FormData | Record<string, unknown>;
  timeoutMs: number;
  signal?: AbortSignal;
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
    return new ProviderError(
      ProviderErrorCodes.rateLimited,
      message,
      { ...details, retryAfterMs: parseRetryAfter(headers.get('retry-after')) },
      { retryable: true },
    );
  if (status === 401 || status === 403)
    return new ProviderError(ProviderErrorCodes.unauthorized, message, details, { retryable: false });
  if (status === 408) return new ProviderError(ProviderErrorCodes.timeout, message, details, { retryable: true });
  if (status >= 500) return new ProviderError(ProviderErrorCodes.unavailable, message, details, { retryable: true });
  return new ProviderError(
    ProviderErrorCodes.rejected,
    message,
    { ...details, notFound: status === 404 },
    { retryable: false },
  );
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
          ProviderErrorCodes.badOutput,
          `${this.provider}: ${call.method} ${pathOf(call.url)} answered ${response.status} with a body that is not JSON`,
          { provider: this.provider, providerStatus: response.status },
          { cause: error, retryable: true },
        );
      }
    });
  }

  async bytes(call: HttpCall): Promise<HttpAnswer<Buffer>> {
    return this.send(call, async (response) => Buffer.from(await response.arrayBuffer()));
  }

  /** Streams a body to `path`; a partial file is removed when the transfer fails. */
  async download(call: HttpCall, path: string): Promise<HttpAnswer<number>> {
    return this.send(call, async (response) => {
      if (!response.body) return 0;
      let bytes = 0;
      const source = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
      source.on('data', (chunk: Buffer) => (bytes += chunk.length));
      try {
        await pipeline(source, createWriteStream(path));
      } catch (error) {
        await rm(path, { force: true });
        throw error;
      }
      return bytes;
    });
  }

  private async send<T>(call: HttpCall, read: (response: Response) => Promise<T>): Promise<HttpAnswer<T>> {
    const what = `${call.method} ${pathOf(call.url)}`;
    const timeout = AbortSignal.timeout(call.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    let body: FormData | string | undefined;
    if (call.body instanceof FormData) body = call.body;
    else if (call.body) {
      body = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }
    try {
      const response = await this.fetchImpl(call.url, { method: call.method, headers, body, signal });
      if (!response.ok) {
        const text = await response.text().catch(() => '');
        throw errorFromStatus(this.provider, response.status, response.headers, text, what);
      }
      return { status: response.status, headers: response.headers, body: await read(response) };
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      if (call.signal?.aborted) throw abortError(call.signal);
      if (timeout.aborted)
        throw new ProviderError(
          ProviderErrorCodes.timeout,
          `${this.provider}: ${what} took longer than ${call.timeoutMs} ms`,
          { provider: this.provider },
          { cause: error, retryable: true },
        );
      const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
      const code = cause?.code ?? cause?.errors?.[0]?.code;
      throw new ProviderError(
        ProviderErrorCodes.unavailable,
        `${this.provider}: ${what} failed: ${code ?? (error as Error).message}`,
        // ECONNREFUSED: nothing reached the server, so even a create can be sent again safely
        { provider: this.provider, connectFailed: code === 'ECONNREFUSED' },
        { cause: error, retryable: true },
      );
    }
  }
}

/** Logs and messages name the path only: base URLs may carry credentials, queries may carry tokens. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(bad url)';
  }
}
