import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig, ConfigError, redisUrlOf } from '@app/config';
import { MODEL_REGISTRY, type ModelRegistry } from '@app/generation';
import { KEYFRAMES_QUEUE, redisOptionsFromUrl, sceneQueueName } from '@app/pipeline';
import { KEYFRAME_PROFILE, KeyframesProcessor } from '../processors/keyframes.processor';
import { SceneProcessor } from '../processors/scene.processor';
import { WORKER_OPTIONS } from '../worker-options';
import { GpuSlots } from './gpu-slots.service';

/** How many keyframes steps (each making all of one job's keyframes through the slots) run at once. */
const KEYFRAME_JOBS_AT_ONCE = 4;

/**
 * The scene tier: one BullMQ worker per served video profile's queue (WORKER_PROFILES, default
 * every video profile), plus the keyframes queue when it serves the image model. Each takes as
 * many jobs as the slots can run, so a worker never takes a scene for a model it does not serve,
 * and a GPU never runs two scenes at once (the slot pool decides who runs where).
 */
@Injectable()
export class SceneWorkers implements OnApplicationShutdown {
  private readonly logger = new Logger(SceneWorkers.name);
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    private readonly slots: GpuSlots,
    private readonly scenes: SceneProcessor,
    private readonly keyframes: KeyframesProcessor,
  ) {}

  /** The profiles whose work this worker takes; a bad WORKER_PROFILES stops the worker at boot. */
  servedProfiles(): string[] {
    const wanted = this.config.worker.profiles;
    const all = [...this.registry.profiles.values()];
    if (!wanted.length) return all.filter((p) => p.kind === 'video' || p.name === KEYFRAME_PROFILE).map((p) => p.name);
    const problems = wanted.flatMap((name) => {
      const p = this.registry.find(name);
      if (!p) return [`WORKER_PROFILES: no profile named ${name}`];
      if (p.kind !== 'video' && name !== KEYFRAME_PROFILE)
        return [
          `WORKER_PROFILES: ${name} is a ${p.kind} profile; scene workers serve video profiles and ${KEYFRAME_PROFILE}`,
        ];
      return [];
    });
    if (problems.length) throw new ConfigError(problems);
    return wanted;
  }

  start(): string[] {
    const connection = redisOptionsFromUrl(redisUrlOf(this.config));
    const { lockDuration, stalledInterval, maxStalledCount } = WORKER_OPTIONS;
    const common = { connection, prefix: this.config.queuePrefix, lockDuration, stalledInterval, maxStalledCount };
    const queues: string[] = [];
    for (const profile of this.servedProfiles()) {
      if (profile === KEYFRAME_PROFILE) {
        queues.push(KEYFRAMES_QUEUE);
        this.add(
          new Worker(KEYFRAMES_QUEUE, (job: Job) => this.keyframes.process(job), {
            ...common,
            concurrency: KEYFRAME_JOBS_AT_ONCE,
          }),
        );
        continue;
      }
      const name = sceneQueueName(profile);
      queues.push(name);
      const batch = this.registry.get(profile).maxBatch;
      this.add(
        new Worker(name, (job: Job) => this.scenes.process(job), {
          ...common,
          concurrency: this.slots.pool.size * batch,
        }),
      );
    }
    this.slots.serve(queues);
    this.logger.log(`scene tier: ${queues.join(', ')} on ${this.slots.pool.size} slot(s)`);
    return queues;
  }

  private add(worker: Worker): void {
    worker.on('error', (error) => this.logger.error(`${worker.name} worker: ${error.message}`));
    this.workers.push(worker);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
