import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { type AppConfig } from '@app/config';
import { bullConnectionOf } from './redis-connection';

/**
 * Queues opened to read or steer (job counts, depths, pause and resume) rather than to run, on the
 * configured Redis, and closed together. On one server each queue connects with the same options;
 * on a cluster they share one client, which BullMQ leaves open: closing the set quits it.
 */
export class QueueSet {
  readonly queues: Queue[];
  private readonly cluster: Cluster | null;

  constructor(config: Pick<AppConfig, 'redisUrl' | 'redisCluster' | 'queuePrefix'>, names: readonly string[]) {
    const connection = bullConnectionOf(config);
    this.cluster = connection instanceof Cluster ? connection : null;
    this.queues = names.map((name) => new Queue(name, { connection, prefix: config.queuePrefix }));
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
    await this.cluster?.quit().catch(() => undefined);
  }
}
