import { Logger, Module, type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, ConfigModule } from '@app/config';
import { FrameTensorReader, ONNX_RUNTIME_OPTIONS, OnnxRuntime, type OnnxRuntimeOptions } from '@app/inference';
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
import { GpuSlots } from './gpu/gpu-slots.service';
import { SceneChecks } from './gpu/scene-checks.service';
import { KeyframesProcessor } from './processors/keyframes.processor';
import { SceneProcessor } from './processors/scene.processor';
import { PROCESSORS, WorkerBootstrap } from './worker-bootstrap.service';

/**
 * The scene tier's parts beyond its runner: the GPU slots, the in-process checks (onnxruntime with
 * ONNX_EXECUTION_PROVIDERS) and the steps its queues run.
 */
export function sceneTierProviders(): Provider[] {
  return [
    GpuSlots,
    SceneChecks,
    SceneProcessor,
    KeyframesProcessor,
    FrameTensorReader,
    OnnxRuntime,
    {
      provide: ONNX_RUNTIME_OPTIONS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): OnnxRuntimeOptions => ({
        executionProviders: config.onnxExecutionProviders,
        logger: new Logger(OnnxRuntime.name),
      }),
    },
  ];
}

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
        ...(config.worker.queues.includes('scene') ? sceneTierProviders() : []),
      ],
    };
  }
}
