export * from './api-keys';
export * from './app-config';
export * from './config.module';
export * from './production-env';
export * from './dependency-timeouts';
