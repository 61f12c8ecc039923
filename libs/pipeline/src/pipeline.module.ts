import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { QueueName } from './job-catalog';
import { bullConnectionOf, failFastRedisOptions } from './redis-connection';

export const JOB_FLOW_PRODUCER = 'job-flow';

/** BullMQ on the configured Redis: the four step queues and the flow producer that links them. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      // Producers only (workers make their own connections): in the API an add to a stalled Redis fails fast.
      useFactory: (config: AppConfig) => ({
        connection: bullConnectionOf(
          config,
          config.dependencies.failFast ? failFastRedisOptions(config.dependencies.timeoutMs) : {},
        ),
        prefix: config.queuePrefix,
      }),
    }),
    ...Object.values(QueueName).map((name) => BullModule.registerQueue({ name })),
    BullModule.registerFlowProducer({ name: JOB_FLOW_PRODUCER }),
  ],
  exports: [BullModule],
})
export class PipelineModule {}
