import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { type Job as BullJob, type Queue, UnrecoverableError } from 'bullmq';
import { ConfigModule } from '@app/config';
import { briefSchema, type Job, type Storyboard } from '@app/domain';
import { GenerationModule } from '@app/generation';
import { JobRepository, newJobId, PersistenceModule, TenantUsageRepository } from '@app/persistence';
import { bullJobId, type JobRef, PipelineModule, QueueName, STEP_OPTIONS } from '@app/pipeline';
import { PlannerModule, TemplatePlanner } from '@app/planner';
import { SafetyModule } from '@app/safety';
import { ArtifactKeys, ArtifactStore, StorageModule } from '@app/storage';
import { aJob, aPlannedJob, FakeOpenAiServer, FakeVllmOmniServer, startTestEnv, type TestEnv } from '@app/testing';
import { sceneTierProviders } from '../worker.module';
import { KeyframesStep } from './keyframes.step';
import { PlanStep } from './plan.step';
import { StepRunner } from './step-runner.service';
import { Storyboards } from './storyboards.service';
import { UsageRecorder } from './usage-recorder.service';

const IMAGE_MODEL = 'Tongyi-MAI/Z-Image-Turbo';
const CAP_USD = 5;
const KEYFRAME_USD = 0.04;

/** One continuous shot, then a cut: the shot's scenes are anchored on keyframes when the model takes both ends. */
const sneaker = briefSchema.parse({
  brief:
    '15-second vertical social ad for the Volt Runner sneaker: one continuous shot that follows a runner from a dark tunnel into neon city streets at night, then a hard cut to the shoe on a pedestal.',
  durationSec: 15,
  aspectRatio: '9:16',
  product: { name: 'Volt Runner' },
  music: { enabled: false },
  seed: 42,
});

const bullJob = (row: Job, name: 'plan' | 'keyframes') =>
  ({
    id: `${row.id}.${name}`,
    data: { tenantId: row.tenantId, jobId: row.id },
    attemptsMade: 0,
    opts: STEP_OPTIONS[name],
  }) as unknown as BullJob<JobRef>;

/**
 * Issue 11: the monthly spend cap is checked before every paid call, not only at submit and before
 * scenes. The plan and keyframes steps run on real Redis, dynalite and s3rver against local servers
 * speaking OpenAI's chat contract (the planner) and vLLM-Omni's OpenAI-shaped images contract (the
 * keyframes, priced per image); a tenant at its cap makes no request to either.
 */
describe('spend caps before the planner and the keyframes', () => {
  let env: TestEnv;
  let llm: FakeOpenAiServer;
  let images: FakeVllmOmniServer;
  let moduleRef: TestingModule;
  let jobs: JobRepository;
  let usage: TenantUsageRepository;
  let store: ArtifactStore;
  let storyboard: Storyboard;
  let modelsDir: string;

  const chatRequests = () => llm.chatRequests().length;
  const imageRequests = () => images.requestsTo('POST', /^\/v1\/images\//).length;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    storyboard = await new TemplatePlanner().plan(sneaker);
    llm = await FakeOpenAiServer.start();
    llm.setDefault({ kind: 'json', content: storyboard });
    images = await FakeVllmOmniServer.start({ model: IMAGE_MODEL });
    modelsDir = await mkdtemp(join(tmpdir(), 'reelsmith-caps-'));
    const modelsFile = join(modelsDir, 'models.json');
    await writeFile(
      modelsFile,
      JSON.stringify({
        profiles: {
          image_default: {
            kind: 'image',
            provider: 'vllm-omni',
            model: IMAGE_MODEL,
            price: { perCallUsd: KEYFRAME_USD },
          },
        },
      }),
    );
    env = await startTestEnv({
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: 'sk-local',
      VLLM_OMNI_BASE_URL: images.url,
      MODELS_FILE: modelsFile,
      MONTHLY_SPEND_CAP_USD: String(CAP_USD),
    });
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(env.config),
        PersistenceModule,
        StorageModule,
        PipelineModule,
        PlannerModule,
        SafetyModule,
        GenerationModule,
      ],
      providers: [StepRunner, UsageRecorder, Storyboards, PlanStep, KeyframesStep, ...sceneTierProviders()],
    }).compile();
    await moduleRef.init();
    jobs = moduleRef.get(JobRepository);
    usage = moduleRef.get(TenantUsageRepository);
    store = moduleRef.get(ArtifactStore);
  }, 60_000);

  afterAll(async () => {
    await moduleRef?.close();
    await env?.close();
    await llm?.close();
    await images?.close();
    if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    llm.reset();
    images.reset();
  });

  /** A tenant of its own with `spentUsd` on its month already. */
  async function tenantWith(spentUsd: number): Promise<string> {
    const tenantId = `t${newJobId().slice(-10).toLowerCase()}`;
    if (spentUsd) await usage.add(tenantId, { costUsd: spentUsd, seconds: 10, calls: 1 });
    return tenantId;
  }

  /** A job as the plan step leaves it when its continuous shot is anchored on keyframes (script stored). */
  async function anchoredJob(tenantId: string): Promise<{ row: Job; keyframes: number[] }> {
    const { row, schedule } = aPlannedJob(storyboard, sneaker, { anchored: true, overrides: { tenantId } });
    expect(schedule.keyframes.length).toBeGreaterThan(0);
    await store.putJson(new ArtifactKeys(tenantId, row.id).script, storyboard);
    await jobs.create(row);
    return { row, keyframes: schedule.keyframes };
  }

  it('fails the plan with BUDGET.MONTHLY_CAP_REACHED and sends the LLM nothing when the tenant is at its cap', async () => {
    const tenantId = await tenantWith(CAP_USD);
    const row = aJob({ tenantId, id: newJobId(), brief: sneaker, status: 'queued' });
    await jobs.create(row);

    await expect(moduleRef.get(PlanStep).handle(bullJob(row, 'plan'))).rejects.toBeInstanceOf(UnrecoverableError);

    expect(chatRequests()).toBe(0);
    const failed = await jobs.get(tenantId, row.id);
    expect(failed).toMatchObject({ status: 'failed', scenes: [] });
    expect(failed?.keyframes ?? null).toBeNull();
    expect(failed?.error).toEqual({
      code: 'BUDGET.MONTHLY_CAP_REACHED',
      message: `the tenant spent $5.00 in ${new Date().toISOString().slice(0, 7)}, the monthly cap is $5.00`,
    });
    expect(await store.getJson(new ArtifactKeys(tenantId, row.id).script)).toBeNull();
  });

  it('plans with one LLM request for a tenant under its cap (the same server, the same step)', async () => {
    const tenantId = await tenantWith(CAP_USD - 0.5);
    const row = aJob({ tenantId, id: newJobId(), brief: sneaker, status: 'queued' });
    await jobs.create(row);

    await moduleRef.get(PlanStep).handle(bullJob(row, 'plan'));

    expect(chatRequests()).toBe(1);
    expect(await jobs.get(tenantId, row.id)).toMatchObject({ status: 'generating', backends: { planner: 'openai' } });
  });

  it('fails the keyframes with BUDGET.MONTHLY_CAP_REACHED and asks for no image when they would pass the cap', async () => {
    // $4.99 spent: a single $0.04 keyframe would take the tenant past $5
    const tenantId = await tenantWith(CAP_USD - 0.01);
    const { row, keyframes } = await anchoredJob(tenantId);

    await expect(moduleRef.get(KeyframesStep).handle(bullJob(row, 'keyframes'))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );

    expect(imageRequests()).toBe(0);
    const failed = await jobs.get(tenantId, row.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error?.code).toBe('BUDGET.MONTHLY_CAP_REACHED');
    expect(failed?.error?.message).toContain('over the monthly cap of $5.00');
    // nothing left running on the row: the keyframes and the scenes waiting on them are cancelled
    expect(failed?.keyframes).toMatchObject({ status: 'cancelled', done: 0 });
    expect(failed?.scenes.every((s) => s.status === 'cancelled')).toBe(true);
    for (const index of keyframes)
      expect(await store.head(new ArtifactKeys(tenantId, row.id).keyframe(index))).toBeNull();
  });

  it('makes every keyframe, one image request each, for a tenant with room under its cap', async () => {
    const tenantId = await tenantWith(1);
    const { row } = await anchoredJob(tenantId);
    // compose waits for the keyframes in the real flow; the anchored scenes join it as children
    const compose = moduleRef.get<Queue>(getQueueToken(QueueName.Compose));
    await compose.add('compose', { tenantId, jobId: row.id }, { jobId: bullJobId.compose(row.id) });

    await moduleRef.get(KeyframesStep).handle(bullJob(row, 'keyframes'));

    const made = await jobs.get(tenantId, row.id);
    expect(made?.keyframes).toMatchObject({ status: 'completed', done: made?.keyframes?.count });
    expect(imageRequests()).toBe(made?.keyframes?.count);
    expect(made?.usage?.costUsd).toBeCloseTo(KEYFRAME_USD * made!.keyframes!.count, 6);
  });
});
