import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MODEL_REGISTRY, type ModelRegistry } from '@app/generation';
import { metrics, refreshQueueDepths, startMetricsServer } from '@app/observability';
import { QueueSet } from '@app/pipeline';
import { servedQueues } from '../queues/served-queues';

/** What the metrics read of the scene tier at scrape time. */
export interface SlotReadings {
  pool: { snapshot(): Array<{ busy: boolean }> };
}

/**
 * A worker's `GET /metrics` on METRICS_PORT: its own step, provider and OOM series, plus the depth
 * of every queue it serves and, on the scene tier, its slots, read at scrape time.
 */
@Injectable()
export class WorkerMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetrics.name);
  private server: { port: number; close(): Promise<void> } | null = null;
  private queues: QueueSet | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    private readonly slots: SlotReadings | null = null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.observability.metricsPort;
    if (port === null) return;
    const served = servedQueues(this.config, this.registry, this.slots?.pool.snapshot().length ?? 0);
    this.queues = new QueueSet(
      this.config,
      served.map((spec) => spec.queue),
    );
    this.server = await startMetricsServer(port, this.config.host, () => this.refresh());
    this.logger.log(`metrics on http://${this.config.host}:${this.server.port}/metrics`);
  }

  async refresh(): Promise<void> {
    if (this.slots) {
      const snapshot = this.slots.pool.snapshot();
      const busy = snapshot.filter((s) => s.busy).length;
      metrics.slots.set({ state: 'busy' }, busy);
      metrics.slots.set({ state: 'total' }, snapshot.length);
      metrics.slotBusyRatio.set(snapshot.length ? busy / snapshot.length : 0);
    }
    await refreshQueueDepths(this.queues?.queues ?? []);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    await this.queues?.close();
  }
}
