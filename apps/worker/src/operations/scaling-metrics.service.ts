import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MODEL_REGISTRY, type ModelRegistry } from '@app/generation';
import {
  BACKLOG_STATES,
  createRedisClient,
  type ProfileBacklog,
  QueueSet,
  type RedisClient,
  scalingDatums,
  WorkerStatusBoard,
} from '@app/pipeline';
import { profileQueue, servedProfiles } from '../queues/served-queues';
import { CloudWatchPublisher } from './cloudwatch.publisher';

/** CloudWatch's standard resolution: one value a minute is what the scaling policies read. */
export const SCALING_METRICS_EVERY_MS = 60_000;

/**
 * Publishes the GPU fleets' scaling metrics (SceneBacklogPerTask, SceneBacklogWithoutWorkers) when
 * SCALING_METRICS_NAMESPACE is set: every minute, per profile, the backlog of its queue from
 * BullMQ's job counts and the live workers serving it from the worker status board. A scene worker
 * publishes for the profiles it serves; a worker without the scene tier (the CPU tier, which always
 * runs) for every profile, so a fleet scaled to zero still hears of its backlog. Several workers
 * publishing one profile send the same reading, which the policies' average and maximum absorb.
 */
@Injectable()
export class ScalingMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScalingMetrics.name);
  private readonly namespace: string | null;
  private readonly profiles: string[];
  private queues: QueueSet | null = null;
  private redis: RedisClient | null = null;
  private board: WorkerStatusBoard | null = null;
  private publisher: CloudWatchPublisher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MODEL_REGISTRY) registry: ModelRegistry,
    /** a local CloudWatch endpoint (tests) */
    private readonly endpoint?: string,
  ) {
    this.namespace = config.observability.scalingMetricsNamespace;
    const sceneTier = config.worker.queues.includes('scene');
    this.profiles = servedProfiles(sceneTier ? config : { worker: { ...config.worker, profiles: [] } }, registry);
  }

  onApplicationBootstrap(): void {
    if (!this.namespace) return;
    this.queues = new QueueSet(this.config, this.profiles.map(profileQueue));
    this.redis = createRedisClient(this.config);
    this.board = new WorkerStatusBoard(this.redis, this.config.queuePrefix);
    this.publisher = new CloudWatchPublisher({
      region: this.config.s3.region,
      endpoint: this.endpoint,
      timeouts: this.config.dependencies,
    });
    this.logger.log(`publishing scaling metrics to ${this.namespace} for ${this.profiles.join(', ')}`);
    void this.tick();
    this.timer = setInterval(() => void this.tick(), SCALING_METRICS_EVERY_MS);
    this.timer.unref();
  }

  /** Each profile's backlog and live workers, read now. */
  async read(): Promise<ProfileBacklog[]> {
    const statuses = await this.board!.list();
    return Promise.all(
      this.queues!.queues.map(async (queue, i) => {
        const profile = this.profiles[i];
        const counts = await queue.getJobCounts(...BACKLOG_STATES);
        return {
          profile,
          backlog: BACKLOG_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0),
          workers: statuses.filter((s) => s.queues.includes(queue.name)).length,
        };
      }),
    );
  }

  /** One round: read and put. Throws what Redis or CloudWatch threw. */
  async publish(at = new Date()): Promise<ProfileBacklog[]> {
    const readings = await this.read();
    await this.publisher!.put(this.namespace!, scalingDatums(readings), at);
    return readings;
  }

  /** A round that fails is logged and the next minute tries again; rounds never overlap. */
  private tick(): Promise<void> {
    this.round ??= this.publish()
      .then(() => undefined)
      .catch((error: Error) => this.logger.warn(`scaling metrics not published: ${error.message}`))
      .finally(() => (this.round = null));
    return this.round;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.round;
    await this.queues?.close();
    await this.redis?.quit().catch(() => undefined);
    this.publisher?.close();
  }
}
