import { type RedisClient } from './redis-connection';

/** One generation slot as its worker last reported it (see the worker's SlotPool). */
export interface SlotStatus {
  /** `gpu0`…, or `host0`… for slots without a device */
  id: string;
  /** the CUDA device id, or null on a host slot */
  device: string | null;
  /** the profile whose model the slot holds warm */
  model: string | null;
  busy: boolean;
  /** scenes of its batch still holding it (0 when idle) */
  running: number;
  loads: number;
  lastLoadMs: number | null;
  /** leases served */
  served: number;
  busyMs: number;
}

/** An in-process (ONNX) model a worker has loaded, on which device and execution providers. */
export interface LoadedModelStatus {
  key: string;
  device: number | null;
  executionProviders: string[];
  loadMs: number;
  loadedAt: string;
}

/** What a scene-tier worker reports about itself, for GET /v1/health. */
export interface WorkerStatus {
  id: string;
  /** the scene and keyframe queues it takes work from */
  queues: string[];
  slots: SlotStatus[];
  models: LoadedModelStatus[];
  /** its latest model-loading log lines, newest last */
  modelLog: string[];
  updatedAt: string;
}

/**
 * Workers publish their status under `${prefix}:workers:<id>` with a short TTL, refreshed while
 * they live, and enter themselves in the `${prefix}:workers` index scored by that expiry, so a dead
 * worker drops out of health on its own. The API lists them from the index (no SCAN: on a Redis
 * Cluster a SCAN sees one node; a hash-tagged prefix keeps index and statuses in one slot).
 */
export class WorkerStatusBoard {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly ttlSec = 30,
  ) {}

  private get index() {
    return `${this.prefix}:workers`;
  }

  private key(id: string) {
    return `${this.prefix}:workers:${id}`;
  }

  async publish(status: WorkerStatus): Promise<void> {
    await this.redis.set(this.key(status.id), JSON.stringify(status), 'EX', this.ttlSec);
    await this.redis.zadd(this.index, Date.now() + this.ttlSec * 1000, status.id);
  }

  async remove(id: string): Promise<void> {
    await this.redis.zrem(this.index, id);
    await this.redis.del(this.key(id));
  }

  async list(): Promise<WorkerStatus[]> {
    await this.redis.zremrangebyscore(this.index, '-inf', Date.now());
    const ids = await this.redis.zrange(this.index, 0, -1);
    if (!ids.length) return [];
    const values = await Promise.all(ids.sort().map((id) => this.redis.get(this.key(id))));
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as WorkerStatus);
  }
}
