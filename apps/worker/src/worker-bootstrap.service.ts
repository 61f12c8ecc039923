import { WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type Type } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { JobName, QUEUE_OF, QueueName } from '@app/pipeline';
import { ComposeProcessor } from './processors/compose.processor';
import { MusicProcessor } from './processors/music.processor';
import { PlanProcessor } from './processors/plan.processor';
import { SceneWorkers } from './gpu/scene-workers.service';
import { RecoveryService } from './recovery.service';

/**
 * Every tier's runner; WORKER_QUEUES picks which of them this process runs. The scene tier is not
 * one queue but one per model profile (and keyframes), run by SceneWorkers on the GPU slots.
 */
export const PROCESSORS: Record<QueueName, Type<WorkerHost | SceneWorkers>> = {
  [QueueName.Plan]: PlanProcessor,
  [QueueName.Scene]: SceneWorkers,
  [QueueName.Music]: MusicProcessor,
  [QueueName.Compose]: ComposeProcessor,
};

/** Fails at boot when a job name has no processor (or two), rather than when its first job waits forever. */
export function assertCatalogCovered(processors: Record<string, unknown>): void {
  const problems: string[] = [];
  for (const name of Object.values(JobName)) {
    const handlers = Object.keys(processors).filter((queue) => queue === QUEUE_OF[name]);
    if (handlers.length !== 1) problems.push(`job "${name}" has ${handlers.length} processors`);
  }
  if (problems.length) throw new Error(`job catalog is not covered: ${problems.join('; ')}`);
}

/** How often the plan tier re-checks live jobs (a step BullMQ failed on its own, an API that died before enqueueing). */
const RECOVERY_INTERVAL_MS = 30_000;

@Injectable()
export class WorkerBootstrap implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerBootstrap.name);
  private recoveryTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
    private readonly recovery: RecoveryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    assertCatalogCovered(PROCESSORS);
    const { queues, concurrency } = this.config.worker;
    // The plan tier owns recovery: it is the one that can re-enqueue a job's first step.
    if (queues.includes('plan')) {
      await this.recovery.recover();
      this.recoveryTimer = setInterval(() => {
        this.recovery.recover().catch((error: Error) => this.logger.error(`recovery: ${error.message}`));
      }, RECOVERY_INTERVAL_MS);
      this.recoveryTimer.unref();
    }
    for (const queue of queues) {
      const runner = this.moduleRef.get(PROCESSORS[queue as QueueName], { strict: false });
      if (runner instanceof SceneWorkers) {
        runner.start();
        continue;
      }
      const host = runner;
      host.worker.concurrency = concurrency;
      host.worker.on('error', (error) => this.logger.error(`${queue} worker: ${error.message}`));
      void host.worker.run();
    }
    this.logger.log(`serving ${queues.join(', ')} with concurrency ${concurrency}`);
  }

  onApplicationShutdown(): void {
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
  }
}
