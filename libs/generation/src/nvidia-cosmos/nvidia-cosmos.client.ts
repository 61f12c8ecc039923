import { type RedisClient } from '@app/pipeline';
import { Errors } from '@app/domain';
import { KeyRing } from '../throughput/key-ring.service';
import { isProviderError, ProviderError } from '../throughput/provider.errors';
import { KeyThrottles } from '../throughput/key-throttles';
import { acquireFirstFree, type SemaphoreLease } from '../throughput/provider-semaphore.service';
import { isRetryable, isSafeToResend, type RetryPolicy, withRetries } from '../throughput/retry.util';
import { type HttpCall, ProviderHttpClient } from '../provider-kit/provider-http.client';
import { trimBase } from '../vllm-omni/vllm-omni.endpoints';
import { assetDataUrl, type ConditioningMedia, fitsInline, inlineDataUrl } from './cosmos-inputs.builder';
import { type NvcfAnswer, type NvcfReading, readNvcfAnswer } from './nvcf-answer.parser';

export const NVIDIA_COSMOS = 'nvidia-cosmos';

/** NVCF holds an invocation this long by default before answering 202 (its API reference says 5 s). */
const NVCF_DEFAULT_HOLD_SEC = 5;

export interface NvidiaCosmosClientOptions {
  /** NVIDIA_BASE_URL: the API catalogue, where models are invoked */
  baseUrl: string;
  /** NVCF_BASE_URL: Cloud Functions, where requests are polled and assets uploaded */
  nvcfBaseUrl: string;
  keys: readonly string[];
  redis: RedisClient;
  prefix: string;
  /** requests in flight per key, across all workers (the catalogue runs one) */
  concurrencyPerKey: number;
  requestsPerSecond: number;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  downloadTimeoutMs: number;
  leaseMs?: number;
  slotPollMs?: number;
  http?: ProviderHttpClient;
}

/** An accepted (or already finished) invocation and the slot of the key that made it. */
export interface Invocation {
  answer: NvcfReading;
  keyFingerprint: string;
  lease: SemaphoreLease;
}

/**
 * The NVIDIA API catalogue's Cosmos models behind NVIDIA Cloud Functions, with several API keys.
 * An invocation goes out on the least recently throttled key with a free slot (one request per key
 * at a time, shared by all workers through Redis, plus a request rate): a 429 rests that key and the
 * next try takes another at once, a 401/403 drops it. A request is polled, and its input assets
 * uploaded, with the key that made it (assets and requests belong to the key's NVIDIA account); the
 * job ref names the key by fingerprint only.
 */
export class NvidiaCosmosClient {
  readonly baseUrl: string;
  readonly nvcfBaseUrl: string;
  readonly ring: KeyRing;
  private readonly http: ProviderHttpClient;
  private readonly throttles: KeyThrottles;
  /** asks the gateway to answer 202 well before our own timeout, so a slow start never loses the request id */
  private readonly holdSec: number;

  constructor(private readonly options: NvidiaCosmosClientOptions) {
    this.throttles = new KeyThrottles(NVIDIA_COSMOS, options);
    this.baseUrl = trimBase(options.baseUrl);
    this.nvcfBaseUrl = trimBase(options.nvcfBaseUrl);
    this.ring = new KeyRing(options.keys, { provider: NVIDIA_COSMOS });
    this.http = options.http ?? new ProviderHttpClient(NVIDIA_COSMOS);
    this.holdSec = Math.min(NVCF_DEFAULT_HOLD_SEC, Math.floor(options.requestTimeoutMs / 3000));
  }

  /** `endpoint` of a job ref: where the request is polled and which key made it (its fingerprint, never the key). */
  statusEndpointFor(keyFingerprint: string): string {
    return `${this.nvcfBaseUrl}/v2/nvcf/pexec/status#key=${keyFingerprint}`;
  }

  static keyOf(endpoint: string): string | null {
    return /#key=([0-9a-f]+)$/.exec(endpoint)?.[1] ?? null;
  }

  invocationUrl(model: string): string {
    return `${this.baseUrl}/v1/cosmos/${model.split('/').map(encodeURIComponent).join('/')}`;
  }

  /**
   * POST {NVIDIA_BASE_URL}/v1/cosmos/{model}. `body` receives the conditioning medium as the URL the
   * request carries it by: inline base64 when small, else an NVCF asset uploaded with the key the
   * invocation goes out on (`uploads` keeps them by key fingerprint, for the caller to delete).
   * Sent again only when NVIDIA surely did not take it (isSafeToResend): never after a 500, a 504
   * or a timeout, which may have started a billed generation.
   */
  async invoke(
    model: string,
    body: (mediaUrl: string | null) => Record<string, unknown>,
    media: ConditioningMedia | null,
    uploads: Map<string, string>,
    signal?: AbortSignal,
  ): Promise<Invocation> {
    return withRetries(
      async () => {
        const choice = this.ring.pick();
        if (choice.key === null) throw this.ring.allResting(choice.waitMs);
        // the ring's choice first; the other usable keys take the work while its slot is busy
        const keys = [choice, ...this.ring.ordered().filter((k) => k.key !== choice.key)];
        const { semaphore, lease } = await acquireFirstFree(
          keys.map((k) => this.throttles.slot(k.fingerprint)),
          signal,
          this.options.slotPollMs,
        );
        const key = keys.find((k) => this.throttles.slot(k.fingerprint) === semaphore)!;
        try {
          let mediaUrl: string | null = null;
          const headers: Record<string, string> = { authorization: `Bearer ${key.key}` };
          if (media && fitsInline(media)) mediaUrl = inlineDataUrl(media);
          else if (media) {
            let assetId = uploads.get(key.fingerprint);
            if (!assetId) {
              assetId = await this.uploadAsset(key.key, key.fingerprint, media, signal);
              uploads.set(key.fingerprint, assetId);
            }
            mediaUrl = assetDataUrl(media.mime, assetId);
            // NVIDIA's examples name the asset in both headers
            headers['nvcf-input-asset-references'] = assetId;
            headers['nvcf-function-asset-ids'] = assetId;
          }
          if (this.holdSec > 0) headers['nvcf-poll-seconds'] = String(this.holdSec);
          await this.throttles.limiter(key.fingerprint).take(signal);
          const answer = await this.http.bytes({
            method: 'POST',
            url: this.invocationUrl(model),
            headers,
            body: body(mediaUrl),
            timeoutMs: this.options.requestTimeoutMs,
            signal,
            redirect: 'manual',
          });
          return { answer: readNvcfAnswer(NVIDIA_COSMOS, answer, null), keyFingerprint: key.fingerprint, lease };
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

  /** A slot for a resumed request on the key that made it. */
  acquireSlot(keyFingerprint: string, signal?: AbortSignal): Promise<SemaphoreLease> {
    return this.throttles.slot(keyFingerprint).acquire(signal);
  }

  /**
   * GET {status endpoint}/{requestId}: pending, done, or failed (the function refused or failed it:
   * a 4xx). Null when NVCF does not know the request (404: expired, or never accepted). 429s,
   * 5xx and timeouts are tried again with backoff (a poll is safe to repeat); whatever persists
   * goes up, and the job's next attempt polls the same request again.
   */
  async status(endpoint: string, requestId: string, signal?: AbortSignal): Promise<NvcfAnswer | null> {
    const base = trimBase(endpoint.replace(/#.*$/, ''));
    try {
      return await this.ring.withOwnKey(
        NvidiaCosmosClient.keyOf(endpoint),
        { ...this.options.retry, signal },
        async (key, fp) => {
          await this.throttles.limiter(fp).take(signal);
          const answer = await this.http
            .bytes({
              method: 'GET',
              url: `${base}/${encodeURIComponent(requestId)}`,
              headers: {
                authorization: `Bearer ${key}`,
                ...(this.holdSec > 0 ? { 'nvcf-poll-seconds': String(this.holdSec) } : {}),
              },
              // a finished request's answer carries the whole video
              timeoutMs: this.options.downloadTimeoutMs,
              signal,
              redirect: 'manual',
            })
            .catch((error: unknown) => {
              // the key is throttled for new invocations too: rest it there while this poll waits
              if (isProviderError(error, Errors.providerRateLimited))
                this.ring.markRateLimited(key, error.retryAfterMs);
              throw error;
            });
          return readNvcfAnswer(NVIDIA_COSMOS, answer, requestId);
        },
      );
    } catch (error) {
      if (isProviderError(error, Errors.providerRejected)) return { phase: 'failed', requestId, reason: error.message };
      throw error;
    }
  }

  /** A result archive at a presigned URL: fetched without our key, which must not leave NVIDIA's hosts. */
  async download(url: string, path: string, signal?: AbortSignal): Promise<void> {
    const call: HttpCall = {
      method: 'GET',
      url,
      headers: { accept: '*/*' },
      timeoutMs: this.options.downloadTimeoutMs,
      signal,
    };
    await withRetries(() => this.http.download(call, path), { ...this.options.retry, signal });
  }

  /** DELETE /v2/nvcf/assets/{assetId}: an input is not kept at NVIDIA longer than its request needs it. */
  async deleteAsset(assetId: string, keyFingerprint: string): Promise<void> {
    const key = this.ring.byFingerprint(keyFingerprint);
    if (!key) return;
    await this.http.bytes({
      method: 'DELETE',
      url: `${this.nvcfBaseUrl}/v2/nvcf/assets/${encodeURIComponent(assetId)}`,
      headers: { authorization: `Bearer ${key}`, accept: '*/*' },
      timeoutMs: this.options.requestTimeoutMs,
    });
  }

  /**
   * POST /v2/nvcf/assets names the asset and answers a presigned upload URL; the bytes go there by
   * PUT with the content type and description it was created with, and without our key. Assets are
   * free, so any failure another try can fix is tried again here; a 429 goes up to move to another key.
   */
  private async uploadAsset(key: string, fp: string, media: ConditioningMedia, signal?: AbortSignal): Promise<string> {
    const description = 'reelsmith conditioning frame';
    return withRetries(
      async () => {
        await this.throttles.limiter(fp).take(signal);
        const created = await this.http.json<{ assetId?: unknown; uploadUrl?: unknown }>({
          method: 'POST',
          url: `${this.nvcfBaseUrl}/v2/nvcf/assets`,
          headers: { authorization: `Bearer ${key}` },
          body: { contentType: media.mime, description },
          timeoutMs: this.options.requestTimeoutMs,
          signal,
        });
        const { assetId, uploadUrl } = created.body;
        if (typeof assetId !== 'string' || typeof uploadUrl !== 'string' || !/^https?:\/\//.test(uploadUrl))
          throw new ProviderError(
            Errors.providerBadOutput,
            `${NVIDIA_COSMOS}: asset creation answered no assetId and uploadUrl`,
            {
              provider: NVIDIA_COSMOS,
            },
          );
        await this.http.bytes({
          method: 'PUT',
          url: uploadUrl,
          headers: { 'content-type': media.mime, 'x-amz-meta-nvcf-asset-description': description },
          body: media.bytes,
          timeoutMs: this.options.downloadTimeoutMs,
          signal,
        });
        return assetId;
      },
      {
        ...this.options.retry,
        signal,
        retryIf: (error) => isRetryable(error) && !isProviderError(error, Errors.providerRateLimited),
      },
    );
  }
}
