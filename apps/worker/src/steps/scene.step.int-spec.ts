import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { type Job as BullJob, UnrecoverableError } from 'bullmq';
import { ConfigModule } from '@app/config';
import {
  AppError,
  Errors,
  briefSchema,
  buildChains,
  type Job,
  seededFrom,
  type Storyboard,
  type StoryboardScene,
} from '@app/domain';
import {
  AnimaticVideoGenerator,
  GenerationModule,
  type StepOptions,
  type VideoGenerator,
  type VideoRequest,
} from '@app/generation';
import { JobRepository, PersistenceModule, newJobId } from '@app/persistence';
import { AnimaticRenderer, FfmpegRunner, normalisedClipOptions } from '@app/media';
import { PipelineModule, type ScenePayload } from '@app/pipeline';
import { TemplatePlanner } from '@app/planner';
import { ArtifactKeys, ArtifactStore, StorageModule } from '@app/storage';
import { aJob, startTestEnv, type TestEnv, buildRedFlagClassifier } from '@app/testing';
import { StepRunner } from './step-runner.service';
import { UsageRecorder } from './usage-recorder.service';
import { Storyboards } from './storyboards.service';
import { SceneSlots } from '../scene-tier/scene-slots.service';
import { sceneTierProviders } from '../worker.module';
import { SceneStep } from './scene.step';

const ffmpeg = new FfmpegRunner({ logger: { log: () => undefined, error: () => undefined } });

/** The clip, brightening linearly by `amount` (0..1 of full scale) from none on its first frame. */
async function drifted(path: string, request: VideoRequest, amount: number): Promise<string> {
  const out = path.replace(/\.mp4$/, '.drifted.mp4');
  const frames = Math.round(request.durationSec * request.spec.fps);
  await ffmpeg.run({
    inputs: [{ path, options: [] }],
    filterComplex: `[0:v]eq=eval=frame:brightness='${amount}*t/${request.durationSec}':contrast='1+${amount}*t/${request.durationSec}'[v]`,
    outputs: [{ path: out, options: normalisedClipOptions(request.spec.fps, frames) }],
  });
  return out;
}

/** A clip of something else entirely (an ffmpeg test source) at the request's size and length. */
async function foreignClip(request: VideoRequest, source: string): Promise<string> {
  const { width, height, fps } = request.spec;
  const path = join(request.workDir, `foreign-${request.seed}.mp4`);
  const frames = Math.round(request.durationSec * fps);
  await ffmpeg.run({
    inputs: [
      {
        path: `${source}${source.includes('=') ? ':' : '='}s=${width}x${height}:r=${fps}:d=${request.durationSec}`,
        options: ['-f', 'lavfi'],
      },
    ],
    filterComplex: '[0:v]null[v]',
    outputs: [{ path, options: normalisedClipOptions(fps, frames) }],
  });
  return path;
}

/** The real animatic generator, with a record of what it was asked and a switch to make it fail. */
class RecordingGenerator implements VideoGenerator {
  readonly name = 'animatic';
  /** a generative model drifts in colour along a chain; the animatic does not */
  real = false;
  /** brightens each clip steadily from its first frame (the drift a video model adds along a chain) */
  drift = 0;
  calls: VideoRequest[] = [];
  failWith: Error | null = null;
  lastSignal: AbortSignal | undefined;
  /** the next N calls make a clip of this lavfi source instead of the scene (a model gone wrong) */
  wrong: { source: string; times: number } | null = null;
  inFlight = 0;
  peakInFlight = 0;
  /** acts as a provider: each call either resumes the job it is given or creates (and reports) one */
  provider: { created: string[]; resumed: string[]; crashAfterCreate: number | null } | null = null;
  constructor(private readonly inner: AnimaticVideoGenerator) {}
  async generate(request: VideoRequest, options: StepOptions = {}) {
    this.calls.push(request);
    this.lastSignal = options.signal;
    if (this.failWith) throw this.failWith;
    if (this.provider) {
      if (options.resume) this.provider.resumed.push(options.resume.id);
      else {
        const id = `video-${request.seed}-${this.provider.created.length}`;
        this.provider.created.push(id);
        await options.onProviderJob?.({ provider: 'fake', id, endpoint: 'http://fake', model: 'm', createdAt: '' });
        // the worker dies after this create (0-based) is recorded, before the clip arrives
        if (this.provider.crashAfterCreate === this.provider.created.length - 1) throw new Error('worker killed');
      }
    }
    this.peakInFlight = Math.max(this.peakInFlight, ++this.inFlight);
    try {
      if (this.wrong && this.wrong.times-- > 0) return { path: await foreignClip(request, this.wrong.source) };
      const made = await this.inner.generate(request, options);
      return this.drift ? { path: await drifted(made.path, request, this.drift) } : made;
    } finally {
      this.inFlight--;
    }
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

/** The scene tier on real services, with `generator` in place of the embedded animatic. */
async function startSceneTier(env: TestEnv, generator: RecordingGenerator) {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(env.config), PersistenceModule, StorageModule, PipelineModule, GenerationModule],
    providers: [StepRunner, Storyboards, UsageRecorder, SceneStep, ...sceneTierProviders()],
  })
    // VIDEO_GENERATOR aliases the class, so the class is what gets replaced.
    .overrideProvider(AnimaticVideoGenerator)
    .useValue(generator)
    .compile();
  await moduleRef.init();
  const jobs = moduleRef.get(JobRepository);
  const store = moduleRef.get(ArtifactStore);
  return {
    processor: moduleRef.get(SceneStep),
    slots: moduleRef.get(SceneSlots),
    jobs,
    store,
    close: () => moduleRef.close(),
    /** A job in `generating` with this storyboard stored, as the plan step leaves it. */
    async stored(storyboard: Storyboard): Promise<Job> {
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
          profile: 'video_default',
          strategy: 'chained' as const,
        })),
      });
      await jobs.create(job);
      await store.putJson(new ArtifactKeys(job.tenantId, job.id).script, storyboard);
      return job;
    },
  };
}

/** A models file (and the model files it names, under `$DIR`) for a tier with other profiles. */
async function modelsFile(profiles: Record<string, unknown>, files: Record<string, Uint8Array> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'reelsmith-models-'));
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  const path = join(dir, 'models.json');
  await writeFile(path, JSON.stringify({ profiles }).replaceAll('$DIR', dir));
  return path;
}

const newRecordingGenerator = () =>
  new RecordingGenerator(new AnimaticVideoGenerator(new AnimaticRenderer(new FfmpegRunner())));

/** The sneaker plan with every scene a cut; with `durations`, that many copies of its first scene. */
async function animaticWithCuts(durations?: number[]): Promise<Storyboard> {
  const planned = await new TemplatePlanner().plan(sneaker);
  const scenes = durations
    ? durations.map((durationSec, index) => ({ ...planned.scenes[0], index, durationSec }))
    : planned.scenes;
  return { ...planned, scenes: scenes.map((s) => ({ ...s, transitionIn: 'cut' as const })) };
}

const bullJob = (job: Job, sceneIndex: number, attemptsMade = 0) =>
  ({
    id: `${job.id}.scene-${sceneIndex}`,
    data: { tenantId: job.tenantId, jobId: job.id, sceneIndex },
    attemptsMade,
    opts: { attempts: 3 },
  }) as unknown as BullJob<ScenePayload>;

describe(SceneStep.name, () => {
  let env: TestEnv;
  let tier: Awaited<ReturnType<typeof startSceneTier>>;
  let processor: SceneStep;
  let jobs: JobRepository;
  let store: ArtifactStore;
  let slots: SceneSlots;
  const generator = newRecordingGenerator();

  beforeAll(async () => {
    // Two GPU slots; onnxruntime asks for CUDA first and falls back to the CPU here.
    env = await startTestEnv({ GPU_DEVICES: '0,1' });
    tier = await startSceneTier(env, generator);
    ({ processor, jobs, store, slots } = tier);
  });
  afterAll(async () => {
    await tier.close();
    await env.close();
  });
  beforeEach(() => {
    generator.calls = [];
    generator.failWith = null;
    generator.wrong = null;
    generator.peakInFlight = 0;
    generator.real = false;
    generator.drift = 0;
    generator.provider = null;
  });

  /** The sneaker ad as the template plans it (a continuous shot, then a cut), stored. */
  async function plannedJob(edit: (scenes: StoryboardScene[]) => void = () => undefined): Promise<Job> {
    const storyboard = await new TemplatePlanner().plan(sneaker);
    edit(storyboard.scenes);
    return tier.stored(storyboard);
  }

  it('stores the clip and its last frame, and a retry reuses them instead of generating again', async () => {
    const job = await plannedJob();
    await processor.handle(bullJob(job, 0));
    expect(generator.calls).toHaveLength(1);
    const keys = new ArtifactKeys(job.tenantId, job.id);
    expect(await store.head(keys.clip(0))).not.toBeNull();
    expect(await store.head(keys.lastFrame(0))).not.toBeNull();
    const row = (await jobs.get(job.tenantId, job.id))!;
    expect(row.scenes[0]).toMatchObject({ status: 'completed', progress: 100, clipKey: keys.clip(0) });

    // A crash after storing but before the row said so: the step runs again and pays nothing.
    await jobs.update(job.tenantId, job.id, (j) => void (j.scenes[0].status = 'running'));
    await processor.handle(bullJob(job, 0, 1));
    expect(generator.calls).toHaveLength(1);
    expect((await jobs.get(job.tenantId, job.id))!.scenes[0].status).toBe('completed');
  });

  it('seeds a continuous scene with the stored last frame of the scene before', async () => {
    const job = await plannedJob();
    const chained = job.scenes.find((s) => s.seededFrom !== null)!;
    await processor.handle(bullJob(job, chained.seededFrom!));
    await processor.handle(bullJob(job, chained.index));
    expect(generator.calls[0].seedFramePath).toBeNull();
    expect(generator.calls[1].seedFramePath).toMatch(/seed\.png$/);
  });

  it('stops rendering when the job is cancelled mid-scene', async () => {
    const job = await plannedJob();
    const running = processor.handle(bullJob(job, 0));
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
    generator.failWith = new AppError(Errors.providerRejected, 'the model refused the prompt');
    await expect(processor.handle(bullJob(job, 0))).rejects.toBeInstanceOf(UnrecoverableError);
    const row = (await jobs.get(job.tenantId, job.id))!;
    expect(row.status).toBe('failed');
    expect(row.error).toEqual({ code: 'PROVIDER.REJECTED', message: 'the model refused the prompt' });
  });

  it('leaves the row alone and rethrows while attempts remain', async () => {
    const job = await plannedJob();
    generator.failWith = new Error('GPU fell off the bus');
    await expect(processor.handle(bullJob(job, 0, 0))).rejects.toThrow('GPU fell off the bus');
    expect((await jobs.get(job.tenantId, job.id))!.status).toBe('generating');
    await expect(processor.handle(bullJob(job, 0, 2))).rejects.toBeInstanceOf(UnrecoverableError);
    expect((await jobs.get(job.tenantId, job.id))!.error?.code).toBe('SCENE.GENERATION_FAILED');
  });

  it('does nothing for a job that is already terminal', async () => {
    const job = await plannedJob();
    await jobs.update(job.tenantId, job.id, (j) => void (j.status = 'cancelled'));
    await expect(processor.handle(bullJob(job, 0))).resolves.toBeUndefined();
    expect(generator.calls).toHaveLength(0);
  });

  it('scores a seeded boundary with the continuity model and records it on the scene', async () => {
    const job = await plannedJob();
    const chained = job.scenes.find((s) => s.seededFrom !== null)!;
    await processor.handle(bullJob(job, chained.seededFrom!));
    await processor.handle(bullJob(job, chained.index));
    const row = (await jobs.get(job.tenantId, job.id))!;
    expect(row.scenes[chained.seededFrom!].continuity).toBeNull(); // a cut has no boundary to meet
    expect(row.scenes[chained.index].continuity).toMatchObject({
      model: 'reelsmith/continuity-ssim-7x7',
      start: expect.any(Number),
      end: null,
      rejected: null,
      passed: true,
    });
    expect(row.scenes[chained.index].continuity!.start!).toBeGreaterThan(0.9);
    // the animatic paints the planned palette exactly: nothing to pull back
    expect(row.scenes[chained.index].colourMatch).toBeNull();
    expect(generator.calls).toHaveLength(2);
  });

  it('pulls a drifting chained scene back to the colours of its chain’s first keyframe', async () => {
    const job = await plannedJob();
    const chained = job.scenes.find((s) => s.seededFrom !== null)!;
    generator.real = true; // a generative model: its chains drift
    await processor.handle(bullJob(job, chained.seededFrom!));
    generator.drift = 0.25;
    await processor.handle(bullJob(job, chained.index));
    const row = (await jobs.get(job.tenantId, job.id))!;
    const match = row.scenes[chained.index].colourMatch!;
    expect(match.applied).toBe(true);
    expect(match.after).toBeLessThan(match.before / 2);
    // graded from nothing on the first frame: the seeded boundary still matches
    expect(row.scenes[chained.index].continuity).toMatchObject({ passed: true, rejected: null });
  });

  it('detects a broken boundary, makes the scene again once with another seed, and records both scores', async () => {
    const job = await plannedJob();
    const chained = job.scenes.find((s) => s.seededFrom !== null)!;
    await processor.handle(bullJob(job, chained.seededFrom!));
    generator.calls = [];
    generator.wrong = { source: 'testsrc2', times: 1 }; // ignores its seed frame
    await processor.handle(bullJob(job, chained.index));

    expect(generator.calls).toHaveLength(2);
    expect(generator.calls[1].seed).not.toBe(generator.calls[0].seed);
    const { continuity } = (await jobs.get(job.tenantId, job.id))!.scenes[chained.index];
    expect(continuity!.rejected!.start!).toBeLessThan(continuity!.threshold);
    expect(continuity!.start!).toBeGreaterThanOrEqual(continuity!.threshold);
    expect(continuity!.passed).toBe(true);
    const keys = new ArtifactKeys(job.tenantId, job.id);
    // the stored clip is the second one: it starts on the seed
    const seed = join(env.dataDir, 'seed-check.png');
    await store.downloadTo(keys.lastFrame(chained.seededFrom!), seed);
    const clip = join(env.dataDir, 'clip-check.mp4');
    await store.downloadTo(keys.clip(chained.index), clip);
    expect(await ffmpeg.framePsnr(seed, clip)).toBeGreaterThan(35);
  });

  it('resumes each attempt’s own provider job after a worker dies during the continuity retry: nothing is created twice', async () => {
    const job = await plannedJob();
    const chained = job.scenes.find((s) => s.seededFrom !== null)!;
    await processor.handle(bullJob(job, chained.seededFrom!));
    // the first clip ignores its seed frame, so a retry with another seed is created, recorded, and
    // then the worker dies
    const provider = { created: [] as string[], resumed: [] as string[], crashAfterCreate: 1 as number | null };
    generator.provider = provider;
    generator.wrong = { source: 'testsrc2', times: 1 };
    await expect(processor.handle(bullJob(job, chained.index))).rejects.toThrow('worker killed');
    const afterCrash = (await jobs.get(job.tenantId, job.id))!.scenes[chained.index];
    expect(afterCrash.providerJob?.id).toBe(provider.created[0]);
    expect(afterCrash.retryProviderJob?.id).toBe(provider.created[1]);

    // the step runs again: each attempt resumes its own job (the first still ignores its seed frame)
    provider.crashAfterCreate = null;
    generator.wrong = { source: 'testsrc2', times: 1 };
    generator.calls = [];
    await processor.handle(bullJob(job, chained.index, 1));
    expect(provider.created).toHaveLength(2);
    expect(provider.resumed).toEqual([provider.created[0], provider.created[1]]);
    expect(generator.calls[1].seed).not.toBe(generator.calls[0].seed);
    expect((await jobs.get(job.tenantId, job.id))!.scenes[chained.index]).toMatchObject({
      status: 'completed',
      continuity: { passed: true },
    });
  });

  it('regenerates only once: a boundary broken twice keeps the better clip and says it did not pass', async () => {
    const job = await plannedJob();
    const chained = job.scenes.find((s) => s.seededFrom !== null)!;
    await processor.handle(bullJob(job, chained.seededFrom!));
    generator.calls = [];
    generator.wrong = { source: 'testsrc2', times: 2 };
    await processor.handle(bullJob(job, chained.index));
    expect(generator.calls).toHaveLength(2);
    const row = (await jobs.get(job.tenantId, job.id))!;
    expect(row.scenes[chained.index]).toMatchObject({ status: 'completed', continuity: { passed: false } });
  });

  it('never runs two scenes on one device: four cut scenes on two GPU slots', async () => {
    const job = await plannedJob((scenes) => scenes.forEach((s, i) => (s.transitionIn = i === 0 ? 'cut' : 'cut')));
    await jobs.update(job.tenantId, job.id, (j) => j.scenes.forEach((s) => (s.seededFrom = null)));
    const before = slots.pool.snapshot().reduce((n, s) => n + s.served, 0);
    await Promise.all(job.scenes.map((s) => processor.handle(bullJob(job, s.index))));
    expect(generator.peakInFlight).toBe(2);
    const row = (await jobs.get(job.tenantId, job.id))!;
    expect(new Set(row.scenes.map((s) => s.slot))).toEqual(new Set(['gpu0', 'gpu1']));
    const after = slots.pool.snapshot();
    expect(after.reduce((n, s) => n + s.served, 0) - before).toBe(job.scenes.length);
    expect(after.every((s) => s.model === 'video_default' && !s.busy)).toBe(true);
  });

  describe('on a model whose backend batches (maxBatch 3, one GPU)', () => {
    /** The animatic, plus a batch call that records each batch and makes its clips. */
    class BatchingGenerator extends RecordingGenerator {
      batches: number[][] = [];
      async generateBatch(requests: VideoRequest[]) {
        this.batches.push(requests.map((r) => r.scene.index));
        return Promise.all(requests.map((r) => this.generate(r)));
      }
    }
    const batching = new BatchingGenerator(new AnimaticVideoGenerator(new AnimaticRenderer(new FfmpegRunner())));
    let batchEnv: TestEnv;
    let batchTier: Awaited<ReturnType<typeof startSceneTier>>;

    beforeAll(async () => {
      const file = await modelsFile({
        video_default: {
          kind: 'video',
          provider: 'embedded',
          model: 'animatic',
          fps: 24,
          acceptsFirstFrame: true,
          maxBatch: 3,
        },
      });
      batchEnv = await startTestEnv({ MODELS_FILE: file, GPU_DEVICES: '0' });
      batchTier = await startSceneTier(batchEnv, batching);
    });
    afterAll(async () => {
      await batchTier.close();
      await batchEnv.close();
    });

    it('runs compatible scenes waiting for the slot as one batch call, and each gets its own clip', async () => {
      // one 3 s scene and three 4 s ones (same model and parameters), all cuts
      const storyboard = await animaticWithCuts([3, 4, 4, 4]);
      const job = await batchTier.stored(storyboard);

      // one slot: whichever scene gets it first runs alone, the others queue and leave together
      await Promise.all(storyboard.scenes.map((s) => batchTier.processor.handle(bullJob(job, s.index))));
      const row = (await batchTier.jobs.get(job.tenantId, job.id))!;
      expect(row.scenes.every((s) => s.status === 'completed' && s.slot === 'gpu0')).toBe(true);
      expect(batching.batches.some((b) => b.length > 1)).toBe(true);
      // a batch holds only scenes of the same parameters (the 3 s scene never joins the 4 s ones)
      for (const b of batching.batches) expect(new Set(b.map((i) => storyboard.scenes[i].durationSec)).size).toBe(1);
      const keys = new ArtifactKeys(job.tenantId, job.id);
      for (const s of storyboard.scenes) {
        const clip = join(batchEnv.dataDir, `batched-${s.index}.mp4`);
        await batchTier.store.downloadTo(keys.clip(s.index), clip);
        expect((await ffmpeg.probe(clip)).durationSec).toBeCloseTo(s.durationSec, 1);
      }
    });
  });

  describe('with a safety model that flags red frames', () => {
    const red = newRecordingGenerator();
    let safeEnv: TestEnv;
    let safeTier: Awaited<ReturnType<typeof startSceneTier>>;

    beforeAll(async () => {
      const file = await modelsFile(
        {
          safety_default: {
            kind: 'safety',
            provider: 'onnx',
            model: 'testing/red-flag',
            path: '$DIR/red-flag.onnx',
            labels: ['safe', 'flagged'],
            blockLabels: ['flagged'],
            threshold: 0.5,
            inputSize: 16,
            sampleFps: 2,
          },
        },
        { 'red-flag.onnx': buildRedFlagClassifier() },
      );
      safeEnv = await startTestEnv({ MODELS_FILE: file });
      safeTier = await startSceneTier(safeEnv, red);
    });
    afterAll(async () => {
      await safeTier.close();
      await safeEnv.close();
    });

    it('fails the job with SAFETY.OUTPUT_BLOCKED and stores nothing when the classifier flags the clip', async () => {
      const storyboard = await animaticWithCuts();
      const job = await safeTier.stored(storyboard);
      red.wrong = { source: 'color=c=red', times: 1 };
      await expect(safeTier.processor.handle(bullJob(job, 0))).rejects.toBeInstanceOf(UnrecoverableError);
      const row = (await safeTier.jobs.get(job.tenantId, job.id))!;
      expect(row.status).toBe('failed');
      expect(row.error?.code).toBe('SAFETY.OUTPUT_BLOCKED');
      expect(row.error?.message).toMatch(/"flagged" scored/);
      expect(await safeTier.store.head(new ArtifactKeys(job.tenantId, job.id).clip(0))).toBeNull();
      expect(red.calls).toHaveLength(1); // blocked is final: not made again

      // the same model lets an ordinary (blue) clip through
      const other = await safeTier.stored(storyboard);
      red.wrong = { source: 'color=c=blue', times: 1 };
      await safeTier.processor.handle(bullJob(other, 0));
      expect((await safeTier.jobs.get(other.tenantId, other.id))!.scenes[0].status).toBe('completed');
    });
  });
});
