import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AppError, Errors } from '@app/domain';
import { MODEL_REGISTRY, type ModelRegistry } from '@app/generation';
import { QueueName, QueueSet, sceneQueueName } from '@app/pipeline';

/**
 * Every BullMQ queue of the pipeline as operators see it: the fixed step queues and one scene
 * queue per video profile (`scene.<profile>`). Backs the queue board, queue depths on the API's
 * /metrics, pause/resume and the stale-job sweep.
 */
@Injectable()
export class AdminQueues implements OnApplicationShutdown {
  readonly all: Queue[];
  private readonly byName: Map<string, Queue>;
  private readonly set: QueueSet;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(MODEL_REGISTRY) registry: ModelRegistry) {
    const names = [
      ...Object.values(QueueName),
      ...[...registry.profiles.values()].filter((p) => p.kind === 'video').map((p) => sceneQueueName(p.name)),
    ];
    this.set = new QueueSet(config, names);
    this.all = this.set.queues;
    this.byName = new Map(this.all.map((q) => [q.name, q]));
  }

  /** A queue by name: `plan`, `keyframes`, `music`, `compose` or `scene.<video profile>`. */
  get(name: string): Queue {
    const queue = this.byName.get(name);
    if (!queue) {
      throw new AppError(
        Errors.requestInvalid,
        `no queue named ${name}; known: ${[...this.byName.keys()].join(', ')}`,
        {
          details: { problems: [{ field: 'queue', reason: `must be one of ${[...this.byName.keys()].join(', ')}` }] },
        },
      );
    }
    return queue;
  }

  async state(queue: Queue) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'paused');
    return { queue: queue.name, paused: await queue.isPaused(), counts };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.set.close();
  }
}
