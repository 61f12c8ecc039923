import { Logger, Module, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { APP_CONFIG, type AppConfig, ConfigModule } from '@app/config';
import { GenerationModule, MODEL_REGISTRY, type ModelRegistry } from '@app/generation';
import { FrameTensorReader, ONNX_RUNTIME_OPTIONS, OnnxRuntime, type OnnxRuntimeOptions } from '@app/inference';
import { PersistenceModule } from '@app/persistence';
import { JobName, PipelineModule, TIER_OF } from '@app/pipeline';
import { PlannerModule } from '@app/planner';
import { SafetyModule } from '@app/safety';
import { StorageModule } from '@app/storage';
import { loggerModule } from '@app/observability';
import { ScalingMetrics } from './operations/scaling-metrics.service';
import { WorkerMetrics } from './operations/worker-metrics.service';
import { QueueWorkers, type StepHandlers } from './queues/queue-workers.service';
import { AssetMaker } from './assets/asset-maker.service';
import { RecoveryService } from './recovery/recovery.service';
import { SceneChecks } from './scene-tier/scene-checks.service';
import { SceneRenderer } from './scene-tier/scene-renderer.service';
import { SceneSlots } from './scene-tier/scene-slots.service';
import { TaskProtection } from './scene-tier/task-protection.service';
import { STEPS } from './steps';
import { StepRunner } from './steps/step-runner.service';
import { Storyboards } from './steps/storyboards.service';
import { UsageRecorder } from './steps/usage-recorder.service';

/**
 * The scene tier's parts beyond its steps: the generation slots, the renderer and its in-process
 * checks (onnxruntime with ONNX_EXECUTION_PROVIDERS), and ECS task protection while a slot is busy.
 */
export function sceneTierProviders(): Provider[] {
  return [
    SceneSlots,
    SceneChecks,
    SceneRenderer,
    { provide: TaskProtection, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new TaskProtection(c.ecsAgentUri) },
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

/** The asset tier's output checks when the scene tier (which also brings them) is not served here. */
function assetTierChecks(): Provider[] {
  return sceneTierProviders().filter(
    (p) => p !== SceneSlots && p !== SceneRenderer && !(typeof p === 'object' && p.provide === TaskProtection),
  );
}

/** The job names of the tiers this worker serves. */
function servedJobs(config: AppConfig): JobName[] {
  return Object.values(JobName).filter((name) => config.worker.queues.includes(TIER_OF[name]));
}

@Module({})
export class WorkerModule {
  /** Only the steps of WORKER_QUEUES are instantiated, so a scene tier never takes compose work. */
  static register(config: AppConfig) {
    const jobs = servedJobs(config);
    const sceneTier = config.worker.queues.includes('scene');
    // The asset tier runs the same output checks as the scene tier, on the same ONNX sessions.
    const assetTier = config.worker.queues.includes('asset');
    return {
      module: WorkerModule,
      imports: [
        loggerModule(config.observability, 'worker'),
        ConfigModule.forRoot(config),
        PersistenceModule,
        StorageModule,
        PipelineModule,
        PlannerModule,
        SafetyModule,
        GenerationModule,
      ],
      providers: [
        StepRunner,
        UsageRecorder,
        Storyboards,
        RecoveryService,
        {
          provide: WorkerMetrics,
          inject: [APP_CONFIG, MODEL_REGISTRY, { token: SceneSlots, optional: true }],
          useFactory: (c: AppConfig, registry: ModelRegistry, slots: SceneSlots | undefined) =>
            new WorkerMetrics(c, registry, slots ?? null),
        },
        {
          provide: ScalingMetrics,
          inject: [APP_CONFIG, MODEL_REGISTRY],
          useFactory: (c: AppConfig, registry: ModelRegistry) => new ScalingMetrics(c, registry),
        },
        ...jobs.map((name) => STEPS[name]),
        ...(sceneTier ? sceneTierProviders() : []),
        ...(assetTier ? [AssetMaker, ...(sceneTier ? [] : assetTierChecks())] : []),
        {
          provide: QueueWorkers,
          inject: [APP_CONFIG, MODEL_REGISTRY, ModuleRef],
          useFactory: (c: AppConfig, registry: ModelRegistry, moduleRef: ModuleRef) =>
            new QueueWorkers(c, registry, () => ({
              handlers: Object.fromEntries(jobs.map((name) => [name, moduleRef.get(STEPS[name])])) as StepHandlers,
              slots: sceneTier ? moduleRef.get(SceneSlots) : null,
              recovery: c.worker.queues.includes('plan') ? moduleRef.get(RecoveryService) : null,
            })),
        },
      ],
    };
  }
}
