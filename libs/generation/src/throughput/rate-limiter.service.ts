import { type RedisClient } from '@app/pipeline';
import { sleep } from './provider.errors';
import { providerKey } from './provider-semaphore.service';

/**
 * Token bucket. KEYS[1] hash {tokens, ts}; ARGV rate per second, burst. Takes a token and returns 0,
 * or returns how many ms until one will be there (taking nothing). Redis' clock, so all workers agree.
 */
const TAKE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then tokens = burst ts = now end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait`;

type ScriptedRedis = RedisClient & { rsRateTake(key: string, rate: number, burst: number): Promise<number> };

export interface RateLimiterOptions {
  prefix: string;
  scope: string;
  /** sustained requests per second */
  perSecond: number;
  /** requests allowed at once after a quiet spell; defaults to one second's worth */
  burst?: number;
}

/** Requests per second for one provider endpoint or key, shared by every worker (atomic Lua token bucket). */
export class RateLimiter {
  readonly key: string;
  private readonly redis: ScriptedRedis;
  private readonly burst: number;

  constructor(
    redis: RedisClient,
    private readonly options: RateLimiterOptions,
  ) {
    if (!(options.perSecond > 0)) throw new RangeError('rate limit must be > 0 per second');
    const r = redis as ScriptedRedis;
    if (typeof r.rsRateTake !== 'function') redis.defineCommand('rsRateTake', { numberOfKeys: 1, lua: TAKE });
    this.redis = r;
    this.key = providerKey(options.prefix, 'rate', options.scope);
    this.burst = Math.max(1, options.burst ?? Math.ceil(options.perSecond));
  }

  /** Takes a token if one is there; otherwise the ms to wait. */
  tryTake(): Promise<number> {
    return this.redis.rsRateTake(this.key, this.options.perSecond, this.burst);
  }

  /** Waits for a token. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const waitMs = await this.tryTake();
      if (waitMs <= 0) return;
      await sleep(waitMs, signal);
    }
  }
}
