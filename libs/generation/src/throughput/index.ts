export * from './provider.errors';
export * from './retry.util';
export * from './key-ring.service';
export * from './provider-semaphore.service';
export * from './rate-limiter.service';
export * from './provider-job.claims';
