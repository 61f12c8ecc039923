export * from './job-catalog';
export * from './job-flow.builder';
export * from './redis-connection';
export * from './pipeline.module';
export * from './worker-status.board';
export * from './scaling-metrics';
export * from './queue-set';
