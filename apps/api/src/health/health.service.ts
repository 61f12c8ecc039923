import { Inject, Injectable } from '@nestjs/common';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  checkProviders,
  describeProviders,
  MODEL_REGISTRY,
  type ModelRegistry,
  MUSIC_GENERATOR,
  type MusicGenerator,
  ProviderConnection,
  VIDEO_GENERATOR,
  type VideoGenerator,
} from '@app/generation';
import { DYNAMO_CLIENT, JobChangeNotifier } from '@app/persistence';
import { FfmpegRunner } from '@app/media';
import { SafetyScreen } from '@app/safety';
import { STORYBOARD_PLANNER, type StoryboardPlanner } from '@app/planner';
import { WorkerStatusBoard } from '@app/pipeline';
import { ArtifactStore } from '@app/storage';

export interface ComponentHealth {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

const CHECK_TIMEOUT_MS = 3_000;

@Injectable()
export class HealthService {
  private readonly workers: WorkerStatusBoard;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DYNAMO_CLIENT) private readonly dynamo: DynamoDBDocumentClient,
    private readonly notifier: JobChangeNotifier,
    private readonly store: ArtifactStore,
    private readonly ffmpeg: FfmpegRunner,
    @Inject(STORYBOARD_PLANNER) private readonly planner: StoryboardPlanner,
    @Inject(VIDEO_GENERATOR) private readonly video: VideoGenerator,
    @Inject(MUSIC_GENERATOR) private readonly music: MusicGenerator,
    private readonly safety: SafetyScreen,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    connection: ProviderConnection,
  ) {
    this.workers = new WorkerStatusBoard(connection.redis, config.queuePrefix);
  }

  async report() {
    const [redis, dynamodb, s3, ffmpeg] = await Promise.all([
      check(() => this.notifier.ping()),
      check(
        async () => void (await this.dynamo.send(new DescribeTableCommand({ TableName: this.config.dynamodb.table }))),
      ),
      check(() => this.store.ping()),
      check(() =>
        this.ffmpeg.run({
          inputs: [{ path: 'anullsrc=r=8000:cl=mono', options: ['-f', 'lavfi'] }],
          outputs: [{ path: '-', options: ['-t', '0.01', '-f', 'null'] }],
        }),
      ),
    ]);
    const [providers, workers] = await Promise.all([
      checkProviders(this.registry, this.config, { timeoutMs: CHECK_TIMEOUT_MS }),
      // scene-tier workers: their GPU slots, the model each holds, in-process models and load log
      this.workers.list().catch(() => []),
    ]);
    const components = { redis, dynamodb, s3, ffmpeg };
    const description = describeProviders(this.registry, this.config);
    return {
      // down: a core component fails (503); degraded: a generation provider has trouble, jobs may fail.
      status: !Object.values(components).every((c) => c.ok) ? 'down' : providers.status === 'ok' ? 'ok' : 'degraded',
      components,
      providers: { ...providers, ...description },
      backends: {
        planner: this.planner.name,
        plannerModel: this.planner.model ?? null,
        moderation: this.safety.moderation,
        video: this.video.name,
        music: this.music.name,
        videoProfile: description.defaultVideoProfile,
        realVideoBackend: this.video.real,
      },
      inference: {
        executionProviders: this.config.onnxExecutionProviders,
        continuity: this.onnxProfile('continuity_default'),
        safety: this.onnxProfile('safety_default'),
      },
      workers,
    };
  }

  private onnxProfile(name: string) {
    const p = this.registry.get(name);
    return { model: p.model, path: p.path, threshold: p.threshold ?? null, builtIn: p.path === null };
  }
}

async function check(probe: () => Promise<void>): Promise<ComponentHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS))),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
