import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import { type AppConfig } from '@app/config';
import { type ModelRegistry } from '@app/generation';
import { bullConnectionOf, JobName, type JobRef, type ScenePayload, TIER_OF } from '@app/pipeline';
import { contextOf, currentLogger, metrics, SpanKind, withLogContext, withSpan } from '@app/observability';
import { type QueueSpec, servedQueues } from './served-queues';
import { type StepHandler } from './step-handler';
import { sweepStaleWorkDirs } from '../steps/work-dir';
import { workerOptions } from './worker-options';

/** The steps of this process, by the job name each runs; only the served tiers' steps are present. */
export type StepHandlers = Partial<Record<JobName, StepHandler>>;

/** Fails at boot when a served tier has a job name without a step, rather than when its first job waits forever. */
export function assertCatalogCovered(handlers: StepHandlers, tiers: readonly string[]): void {
  const missing = Object.values(JobName).filter((name) => tiers.includes(TIER_OF[name]) && !handlers[name]);
  if (missing.length) throw new Error(`job catalog is not covered: no step for ${missing.join(', ')}`);
}

/** What the registry needs from the rest of the worker: its steps, the scene tier's slots, the recovery sweep. */
export interface QueueWorkerParts {
  handlers: StepHandlers;
  /** this worker's generation slots (scene tier only): their count sizes the scene queues */
  slots?: { pool: { size: number }; serve(queues: string[]): void } | null;
  /** the plan tier owns recovery: it is the one that can re-enqueue a job's first step */
  recovery?: { recover(): Promise<void> } | null;
}

/** How often the plan tier re-checks live jobs (a step BullMQ failed on its own, an API that died before enqueueing). */
const RECOVERY_INTERVAL_MS = 30_000;

/**
 * The one place BullMQ workers are made: for every queue this process serves (WORKER_QUEUES,
 * WORKER_PROFILES), a worker that hands each job to the step its job name maps to in the catalog.
 */
export class QueueWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueWorkers.name);
  private readonly workers: Worker[] = [];
  private readonly clusterClients: Cluster[] = [];
  private recoveryTimer: NodeJS.Timeout | null = null;
  private resolved: QueueWorkerParts | null = null;

  /** `parts` is called once, at bootstrap, when every step of the module exists. */
  constructor(
    private readonly config: AppConfig,
    private readonly registry: ModelRegistry,
    private readonly parts: () => QueueWorkerParts,
  ) {}

  private get deps(): QueueWorkerParts {
    return (this.resolved ??= this.parts());
  }

  async onApplicationBootstrap(): Promise<void> {
    assertCatalogCovered(this.deps.handlers, this.config.worker.queues);
    const swept = await sweepStaleWorkDirs(this.config.dataDir);
    if (swept.length) this.logger.warn(`removed ${swept.length} work director(ies) left by a dead step`);
    if (this.deps.recovery) {
      const recovery = this.deps.recovery;
      await recovery.recover();
      this.recoveryTimer = setInterval(() => {
        recovery.recover().catch((error: Error) => this.logger.error(`recovery: ${error.message}`));
      }, RECOVERY_INTERVAL_MS);
      this.recoveryTimer.unref();
    }
    this.start();
  }

  /** Starts a worker per served queue; returns the queue names. */
  start(): string[] {
    const specs = servedQueues(this.config, this.registry, this.deps.slots?.pool.size ?? 0);
    for (const spec of specs) this.workers.push(this.workerFor(spec));
    const sceneTier = specs.filter((s) => TIER_OF[s.job] === 'scene').map((s) => s.queue);
    if (sceneTier.length) this.deps.slots?.serve(sceneTier);
    this.logger.log(`serving ${specs.map((s) => `${s.queue} (${s.concurrency} at once)`).join(', ')}`);
    return specs.map((s) => s.queue);
  }

  private workerFor(spec: QueueSpec): Worker {
    const handler = this.deps.handlers[spec.job];
    if (!handler) throw new Error(`no step runs ${spec.job} jobs in this worker`);
    const connection = bullConnectionOf(this.config);
    // a cluster client is shared with BullMQ, which leaves it open: ours to close
    if (connection instanceof Cluster) this.clusterClients.push(connection);
    const worker = new Worker(spec.queue, (job: Job) => observeStep(job, () => handler.handle(job)), {
      connection,
      prefix: this.config.queuePrefix,
      concurrency: spec.concurrency,
      ...workerOptions(this.config.workerLockMs),
    });
    worker.on('error', (error) => this.logger.error(`${spec.queue} worker: ${error.message}`));
    return worker;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all(this.clusterClients.map((c) => c.quit().catch(() => undefined)));
  }
}

/**
 * One step as operators see it: every log line inside carries the job's ids (and the submit's
 * request id), a `step <name>` span continues the submit's trace, and a successful run is timed
 * in the stage histogram.
 */
export function observeStep<T>(job: Job, run: () => Promise<T>): Promise<T> {
  const data = job.data as Partial<JobRef & ScenePayload>;
  const step = job.name;
  const fields = {
    requestId: data.origin?.requestId,
    tenantId: data.tenantId,
    jobId: data.jobId,
    step,
    scene: data.sceneIndex,
  };
  return withLogContext(fields, () =>
    withSpan(
      `step ${step}`,
      {
        'reelsmith.job_id': data.jobId ?? '',
        'reelsmith.tenant_id': data.tenantId ?? '',
        'reelsmith.step': step,
        'reelsmith.attempt': job.attemptsMade + 1,
        ...(data.sceneIndex !== undefined ? { 'reelsmith.scene': data.sceneIndex } : {}),
      },
      async () => {
        const started = process.hrtime.bigint();
        const result = await run();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.stageDuration.observe({ stage: step }, seconds);
        currentLogger().info({ durationMs: Math.round(seconds * 1000) }, `${step} step done`);
        return result;
      },
      { parent: contextOf(data.origin?.traceparent), kind: SpanKind.CONSUMER },
    ),
  );
}
