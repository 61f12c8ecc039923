export * from './job-catalog';
export * from './job-flow.builder';
export * from './redis-connection';
export * from './embedded-redis';
export * from './pipeline.module';
export * from './worker-status.board';
