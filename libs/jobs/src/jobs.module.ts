import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { createDynamoClient } from './dynamo.client';
import { JobChangeNotifier } from './job-change.notifier';
import { DYNAMO_CLIENT, JobRepository } from './job.repository';
import { SafetyAuditLog } from './safety-audit.log';
import { TenantUsageRepository } from './tenant-usage.repository';

@Global()
@Module({
  providers: [
    {
      provide: DYNAMO_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createDynamoClient(config.dynamodb),
    },
    JobChangeNotifier,
    JobRepository,
    SafetyAuditLog,
    TenantUsageRepository,
  ],
  exports: [JobRepository, JobChangeNotifier, SafetyAuditLog, TenantUsageRepository, DYNAMO_CLIENT],
})
export class JobsModule {}
