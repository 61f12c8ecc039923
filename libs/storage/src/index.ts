export * from './artifact-keys';
export * from './artifact.store';
export * from './storage.module';
export * from './zip-archive.writer';
