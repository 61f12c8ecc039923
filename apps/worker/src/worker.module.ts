import { Module } from '@nestjs/common';
import { type AppConfig, ConfigModule } from '@app/config';
import { GenerationModule } from '@app/generation';
import { JobsModule } from '@app/jobs';
import { PipelineModule, type QueueName } from '@app/pipeline';
import { PlannerModule, SafetyModule } from '@app/planner';
import { StorageModule } from '@app/storage';
import { CostEstimator } from './cost-estimator.service';
import { JobSteps } from './job-steps.service';
import { UsageRecorder } from './usage-recorder.service';
import { RecoveryService } from './recovery.service';
import { Storyboards } from './storyboards.service';
import { PROCESSORS, WorkerBootstrap } from './worker-bootstrap.service';

@Module({})
export class WorkerModule {
  /** Only the processors of WORKER_QUEUES are instantiated, so a scene tier never takes compose work. */
  static register(config: AppConfig) {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        JobsModule,
        StorageModule,
        PipelineModule,
        PlannerModule,
        SafetyModule,
        GenerationModule,
      ],
      providers: [
        JobSteps,
        CostEstimator,
        UsageRecorder,
        Storyboards,
        RecoveryService,
        WorkerBootstrap,
        ...config.worker.queues.map((queue) => PROCESSORS[queue as QueueName]),
      ],
    };
  }
}
