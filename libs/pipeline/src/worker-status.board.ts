import type Redis from 'ioredis';

/** One generation slot as its worker last reported it (see the worker's GpuSlotPool). */
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
 * they live, so a dead worker drops out of health on its own. The API lists them.
 */
export class WorkerStatusBoard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSec = 30,
  ) {}

  private key(id: string) {
    return `${this.prefix}:workers:${id}`;
  }

  async publish(status: WorkerStatus): Promise<void> {
    await this.redis.set(this.key(status.id), JSON.stringify(status), 'EX', this.ttlSec);
  }

  async remove(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  async list(): Promise<WorkerStatus[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', this.key('*'), 'COUNT', 200);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (!keys.length) return [];
    const values = await this.redis.mget(...keys.sort());
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as WorkerStatus);
  }
}
