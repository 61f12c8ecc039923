import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ArtifactStore, createS3Client, S3_CLIENT } from './artifact.store';

@Global()
@Module({
  providers: [
    {
      provide: S3_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createS3Client({ ...config.s3, timeouts: config.dependencies }),
    },
    ArtifactStore,
  ],
  exports: [ArtifactStore],
})
export class StorageModule {}
