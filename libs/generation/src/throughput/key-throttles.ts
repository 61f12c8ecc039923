import { type RedisClient } from '@app/pipeline';
import { ProviderSemaphore } from './provider-semaphore.service';
import { RateLimiter } from './rate-limiter.service';

export interface KeyThrottleOptions {
  redis: RedisClient;
  prefix: string;
  concurrencyPerKey: number;
  leaseMs?: number;
  slotPollMs?: number;
  requestsPerSecond: number;
}

/**
 * Per API key of one provider: its concurrency slots and its request rate, shared by every worker
 * through Redis under `<provider>:<key fingerprint>`, made on first use.
 */
export class KeyThrottles {
  private readonly slots = new Map<string, ProviderSemaphore>();
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(
    private readonly provider: string,
    private readonly options: KeyThrottleOptions,
  ) {}

  slot(fp: string): ProviderSemaphore {
    let semaphore = this.slots.get(fp);
    if (!semaphore) {
      semaphore = new ProviderSemaphore(this.options.redis, {
        prefix: this.options.prefix,
        scope: `${this.provider}:${fp}`,
        limit: this.options.concurrencyPerKey,
        leaseMs: this.options.leaseMs,
        pollMs: this.options.slotPollMs,
      });
      this.slots.set(fp, semaphore);
    }
    return semaphore;
  }

  limiter(fp: string): RateLimiter {
    let limiter = this.limiters.get(fp);
    if (!limiter) {
      limiter = new RateLimiter(this.options.redis, {
        prefix: this.options.prefix,
        scope: `${this.provider}:${fp}`,
        perSecond: this.options.requestsPerSecond,
      });
      this.limiters.set(fp, limiter);
    }
    return limiter;
  }
}
