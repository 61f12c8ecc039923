import { type RedisClient } from '@app/pipeline';
import { fingerprint } from '../throughput/key-ring.service';
import { type RetryPolicy, withRetries } from '../throughput/retry.util';
import { RateLimiter } from '../throughput/rate-limiter.service';
import { acquireFirstFree, ProviderSemaphore, type SemaphoreLease } from '../throughput/provider-semaphore.service';
import { type ProviderHttpClient } from '../provider-kit/provider-http.client';

export interface VllmOmniEndpointsOptions {
  redis: RedisClient;
  prefix: string;
  /** jobs at once per server (one GPU job is usually all a server runs well) */
  concurrency: number;
  requestsPerSecond: number;
  leaseMs?: number;
  pollMs?: number;
  /** how long a server's /v1/models answer is trusted */
  modelsTtlMs?: number;
}

interface Endpoint {
  url: string;
  semaphore: ProviderSemaphore;
  limiter: RateLimiter;
  /** ids null: the server did not answer; asked again sooner than a known answer */
  models: { ids: string[] | null; at: number } | null;
}

/** Base URL without a trailing slash, so `${url}/v1/...` is always one slash. */
export function trimBase(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The vLLM-Omni servers one profile may use. Each server runs a single model, so a request goes to
 * a server whose /v1/models lists the profile's model (all servers when none answers); among those
 * the least loaded across all workers (Redis lease counts), round robin among equals, with a free
 * slot under the per-server concurrency limit.
 */
export class VllmOmniEndpoints {
  private readonly endpoints: Endpoint[];
  /** servers a resumed job lives on that are no longer configured: polled, never given new work */
  private readonly retired = new Map<string, Endpoint>();
  private cursor = 0;

  constructor(
    urls: readonly string[],
    private readonly http: ProviderHttpClient,
    private readonly options: VllmOmniEndpointsOptions,
  ) {
    if (!urls.length) throw new RangeError('vllm-omni: no base URL');
    this.endpoints = [...new Set(urls.map(trimBase))].map((url) => this.endpointOf(url));
  }

  get urls(): string[] {
    return this.endpoints.map((e) => e.url);
  }

  /** A slot on the best server for `model`; waits while every candidate is full. */
  async acquire(model: string, signal?: AbortSignal): Promise<{ url: string; lease: SemaphoreLease }> {
    const candidates = await this.candidates(model, signal);
    const loads = await Promise.all(candidates.map((e) => e.semaphore.count().catch(() => Infinity)));
    const n = this.endpoints.length;
    const rank = (e: Endpoint) => (this.endpoints.indexOf(e) - this.cursor + n) % n;
    const ordered = candidates
      .map((e, i) => ({ e, load: loads[i] }))
      .sort((a, b) => a.load - b.load || rank(a.e) - rank(b.e))
      .map(({ e }) => e);
    this.cursor = (this.cursor + 1) % n;
    const { semaphore, lease } = await acquireFirstFree(
      ordered.map((e) => e.semaphore),
      signal,
      this.options.pollMs,
    );
    return { url: ordered.find((e) => e.semaphore === semaphore)!.url, lease };
  }

  /** A slot on one given server (a resumed job lives where it was made, configured now or not). */
  acquireOn(url: string, signal?: AbortSignal): Promise<SemaphoreLease> {
    return this.endpointFor(url).semaphore.acquire(signal);
  }

  /** Waits for the server's rate limit before a request. */
  throttle(url: string, signal?: AbortSignal): Promise<void> {
    return this.endpointFor(url).limiter.take(signal);
  }

  private async candidates(model: string, signal?: AbortSignal): Promise<Endpoint[]> {
    const served = await Promise.all(this.endpoints.map((e) => this.modelsOf(e, signal)));
    const matching = this.endpoints.filter((_, i) => served[i]?.includes(model));
    return matching.length ? matching : this.endpoints;
  }

  private async modelsOf(endpoint: Endpoint, signal?: AbortSignal): Promise<string[] | null> {
    const ttl = this.options.modelsTtlMs ?? 60_000;
    const known = endpoint.models;
    if (known && Date.now() - known.at < (known.ids ? ttl : Math.min(ttl, UNANSWERED_TTL_MS))) return known.ids;
    try {
      const answer = await withRetries(
        () =>
          this.http.json<{ data?: { id?: string }[] }>({
            method: 'GET',
            url: `${endpoint.url}/v1/models`,
            timeoutMs: 5_000,
            signal,
          }),
        { ...DISCOVERY_RETRY, signal },
      );
      const ids = (answer.body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
      endpoint.models = { ids, at: Date.now() };
      return ids;
    } catch (error) {
      if (signal?.aborted) throw error;
      // Unknown for now: the server stays a candidate, and the real request reports what is wrong.
      endpoint.models = { ids: null, at: Date.now() };
      return null;
    }
  }

  private endpointFor(url: string): Endpoint {
    const base = trimBase(url);
    let endpoint = this.endpoints.find((e) => e.url === base) ?? this.retired.get(base);
    if (!endpoint) {
      endpoint = this.endpointOf(base);
      this.retired.set(base, endpoint);
    }
    return endpoint;
  }

  private endpointOf(url: string): Endpoint {
    const scope = `vllm-omni:${fingerprint(url)}`;
    const { redis, prefix } = this.options;
    return {
      url,
      semaphore: new ProviderSemaphore(redis, {
        prefix,
        scope,
        limit: this.options.concurrency,
        leaseMs: this.options.leaseMs,
        pollMs: this.options.pollMs,
      }),
      limiter: new RateLimiter(redis, { prefix, scope, perSecond: this.options.requestsPerSecond }),
      models: null,
    };
  }
}

const DISCOVERY_RETRY: RetryPolicy = { attempts: 2, baseMs: 100, maxMs: 500 };
const UNANSWERED_TTL_MS = 10_000;
