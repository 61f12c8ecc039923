import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds buckets from a quick HTTP answer to a long generation. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STAGE_BUCKETS = [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 2400];
const PROVIDER_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * Every Prometheus series the processes expose, in one registry per process (prom-client's
 * idiom: instruments are module-level singletons). Names follow Prometheus conventions:
 * `reelsmith_` prefix, base units (seconds, bytes, dollars), `_total` for counters.
 */
export class ReelsmithMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'reelsmith_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'reelsmith_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  readonly sseConnections = new Gauge({
    name: 'reelsmith_sse_connections',
    help: 'Server-Sent Events streams open now',
    registers: [this.registry],
  });
  readonly jobOutcomes = new Counter({
    name: 'reelsmith_jobs_finished_total',
    help: 'Jobs that reached a terminal status, by status and error code (none when completed)',
    labelNames: ['status', 'code'] as const,
    registers: [this.registry],
  });
  readonly stageDuration = new Histogram({
    name: 'reelsmith_stage_duration_seconds',
    help: 'Successful step latency by stage (plan, keyframes, scene, music, compose) and end to end for completed jobs',
    labelNames: ['stage'] as const,
    buckets: STAGE_BUCKETS,
    registers: [this.registry],
  });
  readonly queueJobs = new Gauge({
    name: 'reelsmith_queue_jobs',
    help: 'BullMQ jobs per queue and state (waiting, active, delayed, failed), read at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });
  readonly oldestWaitingAge = new Gauge({
    name: 'reelsmith_queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest waiting job per queue, read at scrape time',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  readonly slots = new Gauge({
    name: 'reelsmith_scene_slots',
    help: 'Generation slots of this scene worker, by state (busy, total)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly slotBusyRatio = new Gauge({
    name: 'reelsmith_scene_slot_busy_ratio',
    help: 'Busy generation slots over all slots of this scene worker',
    registers: [this.registry],
  });
  readonly modelLoads = new Counter({
    name: 'reelsmith_model_loads_total',
    help: 'Times a slot switched to (loaded) a model it was not holding',
    labelNames: ['slot', 'model'] as const,
    registers: [this.registry],
  });
  readonly providerRequests = new Counter({
    name: 'reelsmith_provider_requests_total',
    help: 'HTTP calls to generation providers, by provider and outcome (ok, rate_limited, server_error, timeout, client_error, network_error)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly providerDuration = new Histogram({
    name: 'reelsmith_provider_request_duration_seconds',
    help: 'Latency of HTTP calls to generation providers',
    labelNames: ['provider'] as const,
    buckets: PROVIDER_BUCKETS,
    registers: [this.registry],
  });
  readonly generations = new Counter({
    name: 'reelsmith_generations_total',
    help: 'Finished generations (scenes, keyframes, music) by provider and model',
    labelNames: ['provider', 'model'] as const,
    registers: [this.registry],
  });
  readonly spend = new Counter({
    name: 'reelsmith_provider_spend_usd_total',
    help: 'Estimated spend on generation providers in US dollars, by provider and model',
    labelNames: ['provider', 'model'] as const,
    registers: [this.registry],
  });
  readonly outOfMemory = new Counter({
    name: 'reelsmith_out_of_memory_total',
    help: 'Generation attempts that failed with PROVIDER.OUT_OF_MEMORY (a provider or runtime OOM), by provider and model',
    labelNames: ['provider', 'model'] as const,
    registers: [this.registry],
  });
  readonly providerJobsAdopted = new Counter({
    name: 'reelsmith_provider_jobs_adopted_total',
    help: 'Provider jobs a restarted attempt found and adopted because the crashed one never recorded them (a create not paid twice)',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });
  readonly expiredJobs = new Counter({
    name: 'reelsmith_jobs_expired_total',
    help: 'Live jobs the stale-job sweep ended with JOB.EXPIRED',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'reelsmith_process_' });
  }

  /** The Prometheus text exposition of every series. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** This process's metrics. */
export const metrics = new ReelsmithMetrics();
