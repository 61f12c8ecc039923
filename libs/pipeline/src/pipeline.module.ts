import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, redisUrlOf } from '@app/config';
import { QueueName } from './job-catalog';
import { redisOptionsFromUrl } from './redis-connection';

export const JOB_FLOW_PRODUCER = 'job-flow';

/** BullMQ on the configured Redis: the four step queues and the flow producer that links them. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: redisOptionsFromUrl(redisUrlOf(config)),
        prefix: config.queuePrefix,
      }),
    }),
    ...Object.values(QueueName).map((name) => BullModule.registerQueue({ name })),
    BullModule.registerFlowProducer({ name: JOB_FLOW_PRODUCER }),
  ],
  exports: [BullModule],
})
export class PipelineModule {}
