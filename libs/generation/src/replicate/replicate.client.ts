import { type RedisClient } from '@app/pipeline';
import { KeyRing } from '../throughput/key-ring.service';
import { ProviderError } from '../throughput/provider.errors';
import { Errors } from '@app/domain';
import { KeyThrottles } from '../throughput/key-throttles';
import { acquireFirstFree, type SemaphoreLease } from '../throughput/provider-semaphore.service';
import { isSafeToResend, type RetryPolicy, withRetries } from '../throughput/retry.util';
import { type HttpCall, ProviderHttpClient } from '../provider-kit/provider-http.client';
import { trimBase } from '../vllm-omni/vllm-omni.endpoints';

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
  redis: RedisClient;
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
  private readonly throttles: KeyThrottles;

  constructor(private readonly options: ReplicateClientOptions) {
    this.throttles = new KeyThrottles(REPLICATE, options);
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
        if (choice.key === null) throw this.ring.allResting(choice.waitMs);
        // the ring's choice first; the other usable tokens take the work when its slots are full
        const keys = [choice, ...this.ring.ordered().filter((k) => k.key !== choice.key)];
        const { semaphore, lease } = await acquireFirstFree(
          keys.map((k) => this.throttles.slot(k.fingerprint)),
          signal,
          this.options.slotPollMs,
        );
        const key = keys.find((k) => this.throttles.slot(k.fingerprint) === semaphore)!;
        try {
          await this.throttles.limiter(key.fingerprint).take(signal);
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
              Errors.providerUnconfirmedCreate,
              `${REPLICATE}: create answered without a prediction id and status`,
              { provider: REPLICATE },
            );
          return { prediction: answer.body, keyFingerprint: key.fingerprint, lease };
        } catch (error) {
          await lease.release();
          throw this.ring.afterFailure(key.key, error);
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
    return this.throttles.slot(keyFingerprint).acquire(signal);
  }

  /** GET /v1/predictions/{id}; null when the prediction is unknown to the token (404). */
  async get(id: string, keyFingerprint: string | null, signal?: AbortSignal): Promise<ReplicatePrediction | null> {
    return this.ring.withOwnKey(keyFingerprint, { ...this.options.retry, signal }, async (key, fp) => {
      await this.throttles.limiter(fp).take(signal);
      const answer = await this.http.json<unknown>({
        method: 'GET',
        url: `${this.baseUrl}/v1/predictions/${encodeURIComponent(id)}`,
        headers: { authorization: `Bearer ${key}` },
        timeoutMs: this.options.requestTimeoutMs,
        signal,
      });
      if (!isPrediction(answer.body))
        throw new ProviderError(
          Errors.providerBadOutput,
          `${REPLICATE}: GET prediction answered without an id and status`,
          { provider: REPLICATE },
        );
      return answer.body;
    });
  }

  /** POST /v1/predictions/{id}/cancel; a prediction that already ended stays as it was. */
  async cancel(id: string, keyFingerprint: string | null): Promise<void> {
    await this.ring.withOwnKey(keyFingerprint, this.options.retry, async (key) => {
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
}
