import { Test } from '@nestjs/testing';
import { type Job as BullJob, UnrecoverableError } from 'bullmq';
import { ConfigModule } from '@app/config';
import { AppError, briefSchema, buildChains, type Job, seededFrom } from '@app/domain';
import {
  AnimaticVideoGenerator,
  GenerationModule,
  VIDEO_GENERATOR,
  type VideoGenerator,
  type VideoRequest,
} from '@app/generation';
import { JobRepository, JobsModule, newJobId } from '@app/jobs';
import { AnimaticRenderer, FfmpegRunner } from '@app/media';
import { type ScenePayload } from '@app/pipeline';
import { TemplatePlanner } from '@app/planner';
import { ArtifactKeys, ArtifactStore, StorageModule } from '@app/storage';
import { aJob, startTestEnv, type TestEnv } from '@app/testing';
import { CostEstimator } from '../cost-estimator.service';
import { JobSteps } from '../job-steps.service';
import { UsageRecorder } from '../usage-recorder.service';
import { Storyboards } from '../storyboards.service';
import { SceneProcessor } from './scene.processor';

/** The real animatic generator, with a record of what it was asked and a switch to make it fail. */
class RecordingGenerator implements VideoGenerator {
  readonly name = 'animatic';
  readonly real = false;
  calls: VideoRequest[] = [];
  failWith: Error | null = null;
  lastSignal: AbortSignal | undefined;
  constructor(private readonly inner: AnimaticVideoGenerator) {}
  async generate(request: VideoRequest, options: { signal?: AbortSignal } = {}) {
    this.calls.push(request);
    this.lastSignal = options.signal;
    if (this.failWith) throw this.failWith;
    return this.inner.generate(request, options);
  }
}

const sneaker = briefSchema.parse({
  brief:
    '15-second vertical social ad for the Volt Runner sneaker: one continuous shot that follows a runner from a dark tunnel into neon city streets at night, then a hard cut to the shoe on a pedestal.',
  durationSec: 15,
  aspectRatio: '9:16',
  product: { name: 'Volt Runner' },
  tone: 'energetic',
  callToAction: 'Run brighter.',
  seed: 42,
});

describe(SceneProcessor.name, () => {
  let env: TestEnv;
  let processor: SceneProcessor;
  let jobs: JobRepository;
  let store: ArtifactStore;
  let generator: RecordingGenerator;
  let close: () => Promise<void>;

  beforeAll(async () => {
    env = await startTestEnv();
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(env.config), JobsModule, StorageModule, GenerationModule],
      providers: [JobSteps, Storyboards, CostEstimator, UsageRecorder, SceneProcessor],
    })
      // VIDEO_GENERATOR aliases the class, so the class is what gets replaced.
      .overrideProvider(AnimaticVideoGenerator)
      .useValue(new RecordingGenerator(new AnimaticVideoGenerator(new AnimaticRenderer(new FfmpegRunner()))))
      .compile();
    await moduleRef.init();
    processor = moduleRef.get(SceneProcessor);
    jobs = moduleRef.get(JobRepository);
    store = moduleRef.get(ArtifactStore);
    generator = moduleRef.get(VIDEO_GENERATOR);
    close = () => moduleRef.close();
  });
  afterAll(async () => {
    await close();
    await env.close();
  });
  beforeEach(() => {
    generator.calls = [];
    generator.failWith = null;
  });

  /** A job in `generating` with its script stored, as the plan step leaves it. */
  async function plannedJob(): Promise<Job> {
    const storyboard = await new TemplatePlanner().plan(sneaker);
    const chains = buildChains(storyboard.scenes);
    const job = aJob({
      id: newJobId(),
      brief: sneaker,
      status: 'generating',
      scenes: storyboard.scenes.map((s, i) => ({
        index: i,
        status: 'pending',
        progress: 0,
        durationSec: s.durationSec,
        chain: chains.findIndex((c) => c.sceneIndexes.includes(i)),
        seededFrom: seededFrom(storyboard.scenes, i),
        startedAt: null,
        finishedAt: null,
        clipKey: null,
      })),
    });
    await jobs.create(job);
    await store.putJson(new ArtifactKeys(job.tenantId, job.id).script, storyboard);
    return job;
  }

  const bullJob = (job: Job, sceneIndex: number, attemptsMade = 0) =>
    ({
      id: `${job.id}.scene-${sceneIndex}`,
      data: { tenantId: job.tenantId, jobId: job.id, sceneIndex },
      attemptsMade,
      opts: { attempts: 3 },
    }) as unknown as BullJob<ScenePayload>;

  it('stores the clip and its last frame, and a retry reuses them instead of generating again', async () => {
    const job = await plannedJob();
    await processor.process(bullJob(job, 0));
    expect(generator.calls).toHaveLength(1);
    const keys = new ArtifactKeys(job.tenantId, job.id);
    expect(await store.head(keys.clip(0))).not.toBeNull();
    expect(await store.head(keys.lastFrame(0))).not.toBeNull();
    const row = (await jobs.get(job.tenantId, job.id))!;
    expect(row.scenes[0]).toMatchObject({ status: 'completed', progress: 100, clipKey: keys.clip(0) });

    // A crash after storing but before the row said so: the step runs again and pays nothing.
    await jobs.update(job.tenantId, job.id, (j) => void (j.scenes[0].status = 'running'));
    await processor.process(bullJob(job, 0, 1));
    expect(generator.calls).toHaveLength(1);
    expect((await jobs.get(job.tenantId, job.id))!.scenes[0].status).toBe('completed');
  });

  it('seeds a continuous scene with the stored last frame of the scene before', async () => {
    const job = await plannedJob();
    const chained = job.scenes.find((s) => s.seededFrom !== null)!;
    await processor.process(bullJob(job, chained.seededFrom!));
    await processor.process(bullJob(job, chained.index));
    expect(generator.calls[0].seedFramePath).toBeNull();
    expect(generator.calls[1].seedFramePath).toMatch(/seed\.png$/);
  });

  it('stops rendering when the job is cancelled mid-scene', async () => {
    const job = await plannedJob();
    const running = processor.process(bullJob(job, 0));
    await new Promise((r) => setTimeout(r, 300));
    await jobs.update(job.tenantId, job.id, (j) => void (j.status = 'cancelled'));
    const started = Date.now();
    await expect(running).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(generator.lastSignal?.aborted).toBe(true);
    expect(await store.head(new ArtifactKeys(job.tenantId, job.id).clip(0))).toBeNull();
  });

  it('marks the job failed with the step’s code on a failure that retrying cannot help', async () => {
    const job = await plannedJob();
    generator.failWith = new AppError('PROVIDER.REJECTED', 'the model refused the prompt');
    await expect(processor.process(bullJob(job, 0))).rejects.toBeInstanceOf(UnrecoverableError);
    const row = (await jobs.get(job.tenantId, job.id))!;
    expect(row.status).toBe('failed');
    expect(row.error).toEqual({ code: 'PROVIDER.REJECTED', message: 'the model refused the prompt' });
  });

  it('leaves the row alone and rethrows while attempts remain', async () => {
    const job = await plannedJob();
    generator.failWith = new Error('GPU fell off the bus');
    await expect(processor.process(bullJob(job, 0, 0))).rejects.toThrow('GPU fell off the bus');
    expect((await jobs.get(job.tenantId, job.id))!.status).toBe('generating');
    await expect(processor.process(bullJob(job, 0, 2))).rejects.toBeInstanceOf(UnrecoverableError);
    expect((await jobs.get(job.tenantId, job.id))!.error?.code).toBe('SCENE.GENERATION_FAILED');
  });

  it('does nothing for a job that is already terminal', async () => {
    const job = await plannedJob();
    await jobs.update(job.tenantId, job.id, (j) => void (j.status = 'cancelled'));
    await expect(processor.process(bullJob(job, 0))).resolves.toBeUndefined();
    expect(generator.calls).toHaveLength(0);
  });
});
