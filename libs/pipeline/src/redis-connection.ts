import { type AppConfig, redisUrlOf } from '@app/config';
import Redis, { Cluster, type RedisOptions } from 'ioredis';

/** A connection to the configured Redis: one server, or a cluster (REDIS_CLUSTER=true). */
export type RedisClient = Redis | Cluster;

export type RedisTarget = Pick<AppConfig, 'redisUrl' | 'redisCluster'>;

/** ioredis options from a redis:// URL, as BullMQ wants them (no per-request retry limit for workers). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/**
 * The one place a Redis connection is made. With REDIS_CLUSTER=true the URL names one node and
 * ioredis discovers the rest (credentials and TLS apply to every node; a cluster has no db index).
 * `options` are per-connection choices (retry limits, lazy connect) and apply in both modes.
 */
export function createRedisClient(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  const { host, port, db, ...auth } = redisOptionsFromUrl(redisUrlOf(target));
  if (!target.redisCluster) return new Redis({ host, port, db, ...auth, ...options });
  const { lazyConnect, enableOfflineQueue, ...perNode } = options;
  return new Cluster([{ host, port }], {
    lazyConnect,
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    // a busy node answers CLUSTER SLOTS late; the default 1 s fails every client at once under load
    slotsRefreshTimeout: 5000,
    // AWS endpoints answer CLUSTER SLOTS with addresses whose TLS names differ from the seed's.
    dnsLookup: (address, callback) => callback(null, address),
    redisOptions: { ...auth, ...perNode },
  });
}

/**
 * What BullMQ's `connection` takes: options for one server (each queue and worker opens its own),
 * or a cluster client (BullMQ shares it and duplicates it for blocking reads). `options` as above.
 */
export function bullConnectionOf(target: RedisTarget, options: RedisOptions = {}): RedisOptions | Cluster {
  if (!target.redisCluster) return { ...redisOptionsFromUrl(redisUrlOf(target)), ...options };
  return createRedisClient(target, { maxRetriesPerRequest: null, ...options }) as Cluster;
}

/**
 * For clients that answer requests (the API): a command fails after `timeoutMs` instead of waiting
 * on a stalled Redis, and nothing queues while disconnected, so the caller can answer 503 at once.
 * Not for BullMQ workers, whose blocking commands must wait (their locks outlive a failover).
 */
export function failFastRedisOptions(
  timeoutMs: number,
): Pick<RedisOptions, 'commandTimeout' | 'connectTimeout' | 'enableOfflineQueue' | 'maxRetriesPerRequest'> {
  return { commandTimeout: timeoutMs, connectTimeout: timeoutMs, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
}
