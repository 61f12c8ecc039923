import { hostname } from 'node:os';
import { metrics } from '@app/observability';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MODEL_REGISTRY, type ModelRegistry, ProviderConnection } from '@app/generation';
import { WorkerStatusBoard } from '@app/pipeline';
import { SlotPool, type SlotInfo } from './slot-pool';
import { SceneChecks } from './scene-checks.service';
import { TaskProtection } from './task-protection.service';

const PUBLISH_EVERY_MS = 5_000;
const MODEL_LOG_LINES = 20;

/**
 * This worker's generation slots (GPU_DEVICES, or WORKER_CONCURRENCY host slots), shared by every
 * scene and keyframe queue it serves. Loading a model onto a slot is logged, and the slots, the
 * in-process models and the latest load lines are published for GET /v1/health.
 */
@Injectable()
export class SceneSlots implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SceneSlots.name);
  readonly id = `${hostname()}-${process.pid}`;
  readonly pool: SlotPool;
  private readonly board: WorkerStatusBoard;
  private readonly modelLog: string[] = [];
  private queues: string[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    private readonly checks: SceneChecks,
    connection: ProviderConnection,
    protection: TaskProtection,
  ) {
    const { gpuDevices, concurrency } = config.worker;
    this.pool = new SlotPool(
      SlotPool.slotsFor(gpuDevices, concurrency),
      (slot, profile, previous) => this.load(slot, profile, previous),
      // ECS must not scale in a task while one of its slots runs a (paid) scene.
      { onBusyChange: (busy) => protection.busySlotsChanged(busy) },
    );
    this.board = new WorkerStatusBoard(connection.redis, config.queuePrefix);
  }

  onModuleInit(): void {
    const slots = this.pool.snapshot().map((s) => (s.device === null ? s.id : `${s.id} (device ${s.device})`));
    this.logger.log(`generation slots: ${slots.join(', ')}`);
  }

  /** Starts reporting once the scene workers know their queues. */
  serve(queues: string[]): void {
    this.queues = queues;
    void this.publish();
    this.timer = setInterval(() => void this.publish(), PUBLISH_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.queues.length) await this.board.remove(this.id).catch(() => undefined);
  }

  /**
   * One model per slot: the in-process checks are loaded onto the slot's device with it (once per
   * device), and the previous model's place is taken. Remote backends (vLLM-Omni, Replicate) keep
   * their weights on their own servers, so for them a load is this bookkeeping and the checks.
   */
  private async load(slot: SlotInfo, profile: string, previous: string | null): Promise<void> {
    const model = this.registry.find(profile);
    metrics.modelLoads.inc({ slot: slot.id, model: profile });
    const started = performance.now();
    this.note(
      `${slot.id}: loading ${profile} (${model?.provider ?? '?'} ${model?.model ?? '?'})` +
        (previous ? `, replacing ${previous}` : ''),
    );
    await this.checks.warm(slot.device);
    this.note(`${slot.id}: ${profile} ready in ${Math.round(performance.now() - started)} ms`);
    void this.publish();
  }

  private note(line: string): void {
    this.logger.log(line);
    this.modelLog.push(`${new Date().toISOString()} ${line}`);
    if (this.modelLog.length > MODEL_LOG_LINES) this.modelLog.shift();
  }

  private async publish(): Promise<void> {
    if (!this.queues.length) return;
    try {
      await this.board.publish({
        id: this.id,
        queues: this.queues,
        slots: this.pool.snapshot(),
        models: this.checks.loaded(),
        modelLog: [...this.modelLog],
        updatedAt: new Date().toISOString(),
      });
    } catch (error) {
      this.logger.warn(`could not publish worker status: ${(error as Error).message}`);
    }
  }
}
