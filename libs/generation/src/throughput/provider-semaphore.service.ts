import { randomUUID } from 'node:crypto';
import { type RedisClient } from '@app/pipeline';
import { abortError, sleep } from './provider.errors';

/** Every key the throughput layer writes lives under `${prefix}:provider:`, next to the queues of the same prefix. */
export function providerKey(prefix: string, ...parts: string[]): string {
  return [prefix, 'provider', ...parts].join(':');
}

// Redis' own clock decides expiry, so workers on hosts whose clocks drift still agree on who holds a slot.
const NOW_MS = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] holders zset (lease id -> expiry ms); ARGV limit, lease ms, lease id. 1 when granted. */
const ACQUIRE = `${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
  return 1
end
return 0`;

/** 1 when the lease was still held (and is extended), 0 when it had expired and been taken away. */
const RENEW = `${NOW_MS}
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[2])
if (not expiry) or tonumber(expiry) <= now then
  redis.call('ZREM', KEYS[1], ARGV[2])
  return 0
end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return 1`;

const COUNT = `${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])`;

export interface SemaphoreOptions {
  prefix: string;
  /** what is limited, e.g. `vllm-omni:<endpoint fingerprint>` or `replicate:<key fingerprint>` */
  scope: string;
  limit: number;
  /** a holder that stops renewing (crashed, frozen, partitioned) loses its slot after this long */
  leaseMs?: number;
  /** how often a waiting acquirer looks again */
  pollMs?: number;
  onLeaseLost?: (scope: string) => void;
}

/** A held slot. Renewed in the background until released; `signal` aborts if Redis took it away. */
export class SemaphoreLease {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private released = false;

  constructor(
    private readonly semaphore: ProviderSemaphore,
    readonly id: string,
    renewEveryMs: number,
  ) {
    this.timer = setInterval(() => void this.renew(), renewEveryMs);
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get lost(): boolean {
    return this.controller.signal.aborted;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.semaphore.releaseLease(this.id).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    try {
      if (!(await this.semaphore.renewLease(this.id))) {
        clearInterval(this.timer);
        this.controller.abort(new Error(`lease on ${this.semaphore.key} expired before it was renewed`));
        this.semaphore.leaseLost();
      }
    } catch {
      // Redis unreachable: keep trying; if it stays away the lease expires and another worker takes the slot.
    }
  }
}

type ScriptedRedis = RedisClient & {
  rsSemAcquire(key: string, limit: number, leaseMs: number, id: string): Promise<number>;
  rsSemRenew(key: string, leaseMs: number, id: string): Promise<number>;
  rsSemCount(key: string): Promise<number>;
};

function scripted(redis: RedisClient): ScriptedRedis {
  const r = redis as ScriptedRedis;
  if (typeof r.rsSemAcquire !== 'function') {
    redis.defineCommand('rsSemAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    redis.defineCommand('rsSemRenew', { numberOfKeys: 1, lua: RENEW });
    redis.defineCommand('rsSemCount', { numberOfKeys: 1, lua: COUNT });
  }
  return r;
}

/**
 * A concurrency limit shared by every worker: at most `limit` leases on `scope` at once. Leases carry
 * a TTL and are renewed while held, so a worker that dies without releasing frees its slot when the
 * TTL runs out instead of holding it forever.
 */
export class ProviderSemaphore {
  readonly key: string;
  readonly limit: number;
  private readonly redis: ScriptedRedis;
  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(
    redis: RedisClient,
    private readonly options: SemaphoreOptions,
  ) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError('semaphore limit must be >= 1');
    this.redis = scripted(redis);
    this.key = providerKey(options.prefix, 'sem', options.scope);
    this.limit = options.limit;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 100;
  }

  get scope(): string {
    return this.options.scope;
  }

  async tryAcquire(): Promise<SemaphoreLease | null> {
    const id = randomUUID();
    const granted = await this.redis.rsSemAcquire(this.key, this.limit, this.leaseMs, id);
    return granted === 1 ? new SemaphoreLease(this, id, Math.max(10, Math.floor(this.leaseMs / 3))) : null;
  }

  /** Waits for a slot; polls with jitter so waiters on many workers do not stampede together. */
  async acquire(signal?: AbortSignal): Promise<SemaphoreLease> {
    return acquireFirstFree([this], signal, this.pollMs).then(({ lease }) => lease);
  }

  /** Leases currently held (expired ones are not counted). */
  count(): Promise<number> {
    return this.redis.rsSemCount(this.key);
  }

  /** @internal */
  renewLease(id: string): Promise<boolean> {
    return this.redis.rsSemRenew(this.key, this.leaseMs, id).then((n) => n === 1);
  }

  /** @internal */
  async releaseLease(id: string): Promise<void> {
    await this.redis.zrem(this.key, id);
  }

  /** @internal */
  leaseLost(): void {
    this.options.onLeaseLost?.(this.options.scope);
  }
}

/**
 * The first of `candidates` (in the given order, e.g. least loaded first) with a free slot; waits and
 * looks again while all are full. Used to spread work over several endpoints or keys.
 */
export async function acquireFirstFree<S extends ProviderSemaphore>(
  candidates: readonly S[],
  signal?: AbortSignal,
  pollMs = 100,
): Promise<{ semaphore: S; lease: SemaphoreLease }> {
  if (!candidates.length) throw new RangeError('no semaphore to acquire');
  for (let round = 0; ; round++) {
    if (signal?.aborted) throw abortError(signal);
    for (const semaphore of candidates) {
      const lease = await semaphore.tryAcquire();
      if (lease) {
        if (signal?.aborted) {
          await lease.release();
          throw abortError(signal);
        }
        return { semaphore, lease };
      }
    }
    await sleep(pollMs / 2 + Math.random() * pollMs * Math.min(4, 1 + round / 10), signal);
  }
}
