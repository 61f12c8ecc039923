export * from './logging';
export * from './metrics';
export * from './metrics-server';
export * from './tracing';
export * from './logger.module';
export * from './queue-depths';
