import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { createDynamoClient } from './dynamo.client';
import { JobChangeNotifier } from './job-change.notifier';
import { DYNAMO_CLIENT, JobRepository } from './job.repository';
import { TenantUsageRepository } from './tenant-usage.repository';
import { BatchRepository } from './batch.repository';

/** The job table (DynamoDB) and the change notices that follow every write. */
@Global()
@Module({
  providers: [
    {
      provide: DYNAMO_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createDynamoClient({ ...config.dynamodb, timeouts: config.dependencies }),
    },
    JobChangeNotifier,
    JobRepository,
    TenantUsageRepository,
    BatchRepository,
  ],
  exports: [JobRepository, JobChangeNotifier, TenantUsageRepository, BatchRepository, DYNAMO_CLIENT],
})
export class PersistenceModule {}
