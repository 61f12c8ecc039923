import type Redis from 'ioredis';
import { KeyRing } from '../throughput/key-ring.service';
import { isProviderError, ProviderError, ProviderErrorCodes } from '../throughput/provider.errors';
import { acquireFirstFree, ProviderSemaphore, type SemaphoreLease } from '../throughput/provider-semaphore.service';
import { RateLimiter } from '../throughput/rate-limiter.service';
import { isSafeToResend, type RetryPolicy, withRetries } from '../throughput/retry.util';
import { type HttpCall, ProviderHttpClient } from './provider-http.client';
import { trimBase } from './vllm-omni.endpoints';

export const REPLICATE = 'replicate';

export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'canceled', 'aborted']);

/** The prediction object of Replicate's HTTP API (the fields we read). */
export interface ReplicatePrediction {
  id: string;
  model?: string;
  status: PredictionStatus;
  input?: Record<string, unknown>;
  output?: unknown;
  error?: unknown;
  data_removed?: boolean;
  created_at?: string;
  completed_at?: string | null;
  metrics?: { predict_time?: number; total_time?: number };
  urls?: { get?: string; cancel?: string; web?: string };
}

export interface CreatePredictionBody {
  input: Record<string, unknown>;
  webhook?: string;
  webhook_events_filter?: ('start' | 'output' | 'logs' | 'completed')[];
}

export interface ReplicateClientOptions {
  baseUrl: string;
  tokens: readonly string[];
  redis: Redis;
  prefix: string;
  /** predictions in flight per token, across all workers */
  concurrencyPerKey: number;
  requestsPerSecond: number;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  downloadTimeoutMs: number;
  leaseMs?: number;
  slotPollMs?: number;
  http?: ProviderHttpClient;
}

function isPrediction(body: unknown): body is ReplicatePrediction {
  const p = body as ReplicatePrediction | null;
  return typeof p?.id === 'string' && typeof p.status === 'string';
}

/**
 * Replicate's HTTP API with several tokens: a create goes out on the least recently throttled token
 * with a free slot (its concurrency limit and request rate shared by all workers through Redis); a
 * 429 rests that token and moves on at once to another, a 401/403 drops it. A prediction is read
 * and cancelled with the token that made it (tokens may belong to different accounts), which the
 * job ref names by fingerprint only.
 */
export class ReplicateClient {
  readonly baseUrl: string;
  readonly ring: KeyRing;
  private readonly http: ProviderHttpClient;
  private readonly slots = new Map<string, ProviderSemaphore>();
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(private readonly options: ReplicateClientOptions) {
    this.baseUrl = trimBase(options.baseUrl);
    this.ring = new KeyRing(options.tokens, { provider: REPLICATE });
    this.http = options.http ?? new ProviderHttpClient(REPLICATE);
  }

  /** `endpoint` of a job ref: the API plus which token made the prediction (its fingerprint, never the token). */
  endpointFor(keyFingerprint: string): string {
    return `${this.baseUrl}/v1#key=${keyFingerprint}`;
  }

  static keyOf(endpoint: string): string | null {
    return /#key=([0-9a-f]+)$/.exec(endpoint)?.[1] ?? null;
  }

  /**
   * POST /v1/models/{owner}/{name}/predictions. Resolves with the prediction and the held slot
   * (release it when the prediction has ended). Throws PROVIDER.UNAUTHORIZED once every token was refused.
   */
  async create(
    model: string,
    body: CreatePredictionBody,
    signal?: AbortSignal,
  ): Promise<{ prediction: ReplicatePrediction; keyFingerprint: string; lease: SemaphoreLease }> {
    return withRetries(
      async () => {
        const choice = this.ring.pick();
        if (choice.key === null) throw this.allResting(choice.waitMs);
        // the ring's choice first; the other usable tokens take the work when its slots are full
        const keys = [choice, ...this.ring.ordered().filter((k) => k.key !== choice.key)];
        const { semaphore, lease } = await acquireFirstFree(
          keys.map((k) => this.slot(k.fingerprint)),
          signal,
          this.options.slotPollMs,
        );
        const key = keys.find((k) => this.slot(k.fingerprint) === semaphore)!;
        try {
          await this.limiter(key.fingerprint).take(signal);
          const answer = await this.http.json<unknown>({
            method: 'POST',
            url: `${this.baseUrl}/v1/models/${model}/predictions`,
            headers: { authorization: `Bearer ${key.key}` },
            body: body as unknown as Record<string, unknown>,
            timeoutMs: this.options.requestTimeoutMs,
            signal,
          });
          if (!isPrediction(answer.body))
            throw new ProviderError(
              ProviderErrorCodes.badOutput,
              `${REPLICATE}: create answered without a prediction id and status`,
              { provider: REPLICATE },
              { retryable: false },
            );
          return { prediction: answer.body, keyFingerprint: key.fingerprint, lease };
        } catch (error) {
          await lease.release();
          throw this.afterKeyFailure(key.key, error);
        }
      },
      {
        ...this.options.retry,
        attempts: this.options.retry.attempts + this.ring.size,
        signal,
        retryIf: isSafeToResend,
      },
    );
  }

  /** A slot for a resumed prediction on the token that made it. */
  async acquireSlot(keyFingerprint: string, signal?: AbortSignal): Promise<SemaphoreLease> {
    return this.slot(keyFingerprint).acquire(signal);
  }

  /** GET /v1/predictions/{id}; null when the prediction is unknown to the token (404). */
  async get(id: string, keyFingerprint: string | null, signal?: AbortSignal): Promise<ReplicatePrediction | null> {
    return this.withOwnKey(keyFingerprint, signal, async (key, fp) => {
      await this.limiter(fp).take(signal);
      const answer = await this.http.json<unknown>({
        method: 'GET',
        url: `${this.baseUrl}/v1/predictions/${encodeURIComponent(id)}`,
        headers: { authorization: `Bearer ${key}` },
        timeoutMs: this.options.requestTimeoutMs,
        signal,
      });
      if (!isPrediction(answer.body))
        throw new ProviderError(
          ProviderErrorCodes.badOutput,
          `${REPLICATE}: GET prediction answered without an id and status`,
          { provider: REPLICATE },
          { retryable: true },
        );
      return answer.body;
    });
  }

  /** POST /v1/predictions/{id}/cancel; a prediction that already ended stays as it was. */
  async cancel(id: string, keyFingerprint: string | null): Promise<void> {
    await this.withOwnKey(keyFingerprint, undefined, async (key) => {
      await this.http.json({
        method: 'POST',
        url: `${this.baseUrl}/v1/predictions/${encodeURIComponent(id)}/cancel`,
        headers: { authorization: `Bearer ${key}` },
        timeoutMs: this.options.requestTimeoutMs,
      });
      return true;
    });
  }

  /**
   * Copies an output file. The API token goes only to the API's own host (file URLs on
   * api.replicate.com need it; replicate.delivery links are public and must not receive it).
   */
  async download(url: string, path: string, keyFingerprint: string | null, signal?: AbortSignal): Promise<void> {
    const key = keyFingerprint ? this.ring.byFingerprint(keyFingerprint) : null;
    const sameHost = new URL(url).origin === new URL(this.baseUrl).origin;
    const call: HttpCall = {
      method: 'GET',
      url,
      headers: { accept: '*/*', ...(key && sameHost ? { authorization: `Bearer ${key}` } : {}) },
      timeoutMs: this.options.downloadTimeoutMs,
      signal,
    };
    await withRetries(() => this.http.download(call, path), { ...this.options.retry, signal });
  }

  private async withOwnKey<T>(
    keyFingerprint: string | null,
    signal: AbortSignal | undefined,
    fn: (key: string, fingerprint: string) => Promise<T>,
  ): Promise<T | null> {
    const own = keyFingerprint ? this.ring.byFingerprint(keyFingerprint) : null;
    // The token that made it is gone from the configuration: any token of the same account can read it.
    const keys = own ? [{ key: own, fingerprint: keyFingerprint! }] : this.ring.ordered();
    let last: unknown = null;
    for (const { key, fingerprint } of keys) {
      try {
        return await withRetries(() => fn(key, fingerprint), { ...this.options.retry, signal });
      } catch (error) {
        if (isProviderError(error, ProviderErrorCodes.rejected) && error.details.notFound) {
          last = null;
          continue;
        }
        if (isProviderError(error, ProviderErrorCodes.unauthorized) && !own) {
          last = error;
          continue;
        }
        throw error;
      }
    }
    if (last) throw last;
    return null;
  }

  private afterKeyFailure(key: string, error: unknown): unknown {
    if (isProviderError(error, ProviderErrorCodes.rateLimited)) {
      this.ring.markRateLimited(key, error.retryAfterMs);
      if (this.ring.hasUsableKey()) return error.withRetryAfter(0);
      const choice = this.ring.pick();
      return error.withRetryAfter(choice.key === null ? choice.waitMs : 0);
    }
    if (isProviderError(error, ProviderErrorCodes.unauthorized)) {
      this.ring.markRejected(key);
      if (this.ring.allRejected()) {
        try {
          this.ring.pick();
        } catch (allRejected) {
          return allRejected;
        }
      }
      // Another token may work: try it at once. Retryable here only, so the create loop moves on.
      return new ProviderError(
        ProviderErrorCodes.unauthorized,
        error.message,
        { ...error.details, retryAfterMs: 0, nextKey: true },
        {
          cause: error,
          retryable: true,
        },
      );
    }
    return error;
  }

  private allResting(waitMs: number): ProviderError {
    return new ProviderError(
      ProviderErrorCodes.rateLimited,
      `${REPLICATE}: every token is rate limited`,
      { provider: REPLICATE, providerStatus: 429, retryAfterMs: waitMs },
      { retryable: true },
    );
  }

  private slot(fp: string): ProviderSemaphore {
    let semaphore = this.slots.get(fp);
    if (!semaphore) {
      semaphore = new ProviderSemaphore(this.options.redis, {
        prefix: this.options.prefix,
        scope: `${REPLICATE}:${fp}`,
        limit: this.options.concurrencyPerKey,
        leaseMs: this.options.leaseMs,
        pollMs: this.options.slotPollMs,
      });
      this.slots.set(fp, semaphore);
    }
    return semaphore;
  }

  private limiter(fp: string): RateLimiter {
    let limiter = this.limiters.get(fp);
    if (!limiter) {
      limiter = new RateLimiter(this.options.redis, {
        prefix: this.options.prefix,
        scope: `${REPLICATE}:${fp}`,
        perSecond: this.options.requestsPerSecond,
      });
      this.limiters.set(fp, limiter);
    }
    return limiter;
  }
}
