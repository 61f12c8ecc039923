export * from './artifact-keys';
export * from './artifact.store';
export * from './embedded-s3';
export * from './storage.module';
