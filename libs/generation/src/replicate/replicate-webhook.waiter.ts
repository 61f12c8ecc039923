import { type RedisClient } from '@app/pipeline';
import { abortError } from '../throughput/provider.errors';
import { providerKey } from '../throughput/provider-semaphore.service';
import { type ReplicatePrediction, TERMINAL_STATUSES } from './replicate.client';
import {
  verifyStandardWebhook,
  type VerifyOptions,
  type WebhookHeaders,
  WebhookVerificationError,
} from '../provider-kit/standard-webhook.util';

/** Where the API serves Replicate's callbacks; the webhook URL sent with each prediction is PUBLIC_BASE_URL + this. */
export const REPLICATE_WEBHOOK_PATH = '/v1/webhooks/replicate';

const KEEP_MS = 10 * 60_000;

/**
 * What the API's webhook route does first: verify the Standard Webhooks signature over the raw
 * body, then read the prediction. Throws WebhookVerificationError (401) for anything not from Replicate.
 */
export function acceptReplicateWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Buffer,
  options: VerifyOptions = {},
): { webhookId: string; prediction: ReplicatePrediction } {
  const { id } = verifyStandardWebhook(secret, headers, rawBody, options);
  let prediction: ReplicatePrediction;
  try {
    prediction = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8')) as ReplicatePrediction;
  } catch {
    throw new WebhookVerificationError('malformed-body');
  }
  if (typeof prediction?.id !== 'string' || typeof prediction.status !== 'string')
    throw new WebhookVerificationError('malformed-body');
  return { webhookId: id, prediction };
}

/**
 * In-process meeting point between Replicate's webhook (delivered by the API after verification)
 * and the generator waiting for that prediction. A delivery that comes before anyone waits is kept
 * for ten minutes. Only a hint: generators still poll, more slowly, so a lost webhook costs time, not a job.
 */
export class ReplicateWebhookWaiter {
  private readonly waiting = new Map<string, Set<(p: ReplicatePrediction) => void>>();
  private readonly arrived = new Map<string, { prediction: ReplicatePrediction; at: number }>();

  /** Hands a verified delivery to whoever waits for it. */
  deliver(prediction: ReplicatePrediction): void {
    if (!prediction?.id || !TERMINAL_STATUSES.has(prediction.status)) return;
    this.prune();
    this.arrived.set(prediction.id, { prediction, at: Date.now() });
    for (const resolve of this.waiting.get(prediction.id) ?? []) resolve(prediction);
    this.waiting.delete(prediction.id);
  }

  /** The prediction once it has ended, or null after `timeoutMs`. */
  terminal(id: string, timeoutMs: number, signal?: AbortSignal): Promise<ReplicatePrediction | null> {
    const known = this.arrived.get(id);
    if (known) return Promise.resolve(known.prediction);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const set = this.waiting.get(id) ?? new Set();
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        set.delete(onDelivery);
        if (!set.size) this.waiting.delete(id);
      };
      const onDelivery = (p: ReplicatePrediction) => {
        cleanup();
        resolve(p);
      };
      const onAbort = () => {
        cleanup();
        reject(abortError(signal!));
      };
      const timer = setTimeout(
        () => {
          cleanup();
          resolve(null);
        },
        Math.max(0, timeoutMs),
      );
      set.add(onDelivery);
      this.waiting.set(id, set);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get pending(): number {
    return this.waiting.size;
  }

  private prune(): void {
    const cutoff = Date.now() - KEEP_MS;
    for (const [id, entry] of this.arrived) if (entry.at < cutoff) this.arrived.delete(id);
  }
}

/**
 * Carries verified webhooks from the API process (which receives them) to the worker processes
 * (which wait for them) over Redis pub/sub, under `${prefix}:provider:replicate:webhooks`.
 */
export class ReplicateWebhookRelay {
  readonly channel: string;

  constructor(prefix: string) {
    this.channel = providerKey(prefix, 'replicate', 'webhooks');
  }

  /** API side: after `verifyStandardWebhook`, hand the prediction to whichever worker waits. */
  async publish(redis: RedisClient, prediction: ReplicatePrediction): Promise<void> {
    await redis.publish(this.channel, JSON.stringify(prediction));
  }

  /**
   * Worker side: feeds every relayed prediction to `waiter`. `subscriber` must be a connection of its
   * own (a subscribed ioredis client can run no other command). Returns a function that unsubscribes.
   */
  async attach(subscriber: RedisClient, waiter: ReplicateWebhookWaiter): Promise<() => Promise<void>> {
    const onMessage = (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        waiter.deliver(JSON.parse(message) as ReplicatePrediction);
      } catch {
        // a malformed relay message is dropped; polling still finds the prediction
      }
    };
    subscriber.on('message', onMessage);
    await subscriber.subscribe(this.channel);
    return async () => {
      subscriber.off('message', onMessage);
      await subscriber.unsubscribe(this.channel);
    };
  }
}
