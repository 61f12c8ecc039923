import { type NestWorkerOptions } from '@nestjs/bullmq/dist/interfaces/worker-options.interface';

/**
 * Locks are short so that work held by a crashed worker is picked up again within seconds of a
 * restart (ffmpeg runs in child processes, so the event loop is always free to renew them).
 */
export const WORKER_OPTIONS: NestWorkerOptions = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 2,
  // Started by WorkerBootstrap once the catalog is checked and concurrency is set from config.
  autorun: false,
};
