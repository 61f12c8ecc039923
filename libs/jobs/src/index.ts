export * from './table.definition';
export * from './dynamo.client';
export * from './embedded-dynamo';
export * from './job-id';
export * from './job-change.notifier';
export * from './job.repository';
export * from './jobs.module';
export * from './safety-audit.log';
