export * from './table.definition';
export * from './dynamo.client';
export * from './job-id';
export * from './job-change.notifier';
export * from './job.repository';
export * from './tenant-usage.repository';
export * from './persistence.module';
export * from './batch.repository';
