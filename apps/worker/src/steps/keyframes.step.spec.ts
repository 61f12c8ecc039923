import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { type FlowProducer, type Job as BullJob, UnrecoverableError } from 'bullmq';
import { mock } from 'jest-mock-extended';
import { NEVER } from 'rxjs';
import { type AppConfig } from '@app/config';
import { type Brief, briefSchema, type Job, type Storyboard } from '@app/domain';
import {
  CostEstimator,
  type Generators,
  type ImageGenerator,
  type ImageRequest,
  loadModelRegistry,
  type ModelRouter,
} from '@app/generation';
import {
  type JobChangeNotifier,
  type JobRepository,
  type TenantUsage,
  type TenantUsageRepository,
} from '@app/persistence';
import { type JobRef, STEP_OPTIONS } from '@app/pipeline';
import { TemplatePlanner } from '@app/planner';
import { type ArtifactStore } from '@app/storage';
import { aPlannedJob, withCallPrice, withJobRows } from '@app/testing';
import { type SceneSlots } from '../scene-tier/scene-slots.service';
import { KeyframesStep } from './keyframes.step';
import { StepRunner } from './step-runner.service';
import { type Storyboards } from './storyboards.service';
import { UsageRecorder } from './usage-recorder.service';

const KEYFRAME_USD = 0.04;
const CAP_USD = 5;
const embeddedRegistry = () =>
  loadModelRegistry({ providers: { modelsFile: null, vllmOmniBaseUrls: [], replicateTokens: [] } });

/** An image model that records what it is asked and bills each image. */
class RecordingImageModel implements ImageGenerator {
  readonly name = 'z-image';
  readonly calls: ImageRequest[] = [];
  async generate(request: ImageRequest) {
    this.calls.push(request);
    return {
      path: join(request.workDir, 'keyframe.png'),
      usage: { provider: 'vllm-omni', model: 'z-image', seconds: 0, calls: 1, costUsd: KEYFRAME_USD },
    };
  }
}

const sneaker: Brief = briefSchema.parse({
  brief:
    '15-second vertical social ad for the Volt Runner sneaker: one continuous shot that follows a runner from a dark tunnel into neon city streets at night, then a hard cut to the shoe on a pedestal.',
  durationSec: 15,
  aspectRatio: '9:16',
  product: { name: 'Volt Runner' },
  music: { enabled: false },
  seed: 42,
});

/** A job as the plan step leaves it with its continuous shot anchored on keyframes. */
function anchoredRow(storyboard: Storyboard, brief: Brief): { row: Job; keyframes: number[] } {
  const { row, schedule } = aPlannedJob(storyboard, brief, { anchored: true });
  return { row, keyframes: schedule.keyframes };
}

/**
 * KeyframesStep through the real StepRunner, UsageRecorder and CostEstimator over a repository
 * holding one row and a tenant's month that has `spent` on it; storage, slots and flows are typed mocks.
 */
function setup(row: Job, storyboard: Storyboard, dataDir: string, spent: Partial<TenantUsage> = {}) {
  const config = { dataDir, minFreeDiskMb: 0, queuePrefix: 'rs-unit', limits: { monthlySpendCapUsd: CAP_USD } };
  const jobs = mock<JobRepository>();
  const { rows } = withJobRows(jobs, row);
  const notifier = Object.assign(mock<JobChangeNotifier>(), { changes$: NEVER });
  const steps = new StepRunner(jobs, notifier);
  const store = mock<ArtifactStore>();
  store.head.mockResolvedValue(null);
  const storyboards = mock<Storyboards>();
  storyboards.load.mockResolvedValue(storyboard);
  const registry = withCallPrice(embeddedRegistry(), 'image_default', KEYFRAME_USD);
  const router = mock<ModelRouter>();
  router.videoProfile.mockReturnValue(registry.get('video_default'));
  const tenantUsage = mock<TenantUsageRepository>();
  tenantUsage.get.mockResolvedValue({ month: '2026-12', costUsd: 0, seconds: 0, calls: 0, jobs: 0, ...spent });
  const usage = new UsageRecorder(jobs, tenantUsage, config as AppConfig);
  const costs = new CostEstimator(registry, router);
  const slots = mock<SceneSlots>();
  Object.assign(slots, { pool: { acquire: jest.fn(async () => ({ release: () => undefined })) } });
  const image = new RecordingImageModel();
  const generators = { image } as Pick<Generators, 'image'> as Generators;
  const flows = mock<FlowProducer>();
  const step = new KeyframesStep(
    config as AppConfig,
    steps,
    jobs,
    store,
    storyboards,
    router,
    usage,
    costs,
    slots,
    generators,
    registry,
    flows,
  );
  const ref: JobRef = { tenantId: row.tenantId, jobId: row.id };
  const bullJob = mock<BullJob<JobRef>>({
    id: `${row.id}.keyframes`,
    data: ref,
    attemptsMade: 0,
    opts: STEP_OPTIONS.keyframes,
  });
  return { step, bullJob, rows, store, image, flows, tenantUsage };
}

describe(KeyframesStep.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  let storyboard: Storyboard;
  let dataDir: string;

  beforeAll(async () => {
    storyboard = await new TemplatePlanner().plan(sneaker);
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reelsmith-keyframes-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('makes every keyframe, records what each cost and adds the anchored scenes when the tenant has room', async () => {
    const { row, keyframes } = anchoredRow(storyboard, sneaker);
    const { step, bullJob, rows, image, store, flows } = setup(row, storyboard, dataDir, { costUsd: 1 });
    await step.handle(bullJob);
    expect(image.calls.map((c) => c.seed)).toEqual(keyframes.map((i) => sneaker.seed + i));
    expect(store.putFile).toHaveBeenCalledTimes(keyframes.length);
    expect(rows.get(row.id)).toMatchObject({
      status: 'generating',
      keyframes: { status: 'completed', count: keyframes.length, done: keyframes.length },
      usage: { costUsd: KEYFRAME_USD * keyframes.length },
    });
    expect(flows.addBulk).toHaveBeenCalledTimes(1);
  });

  it('fails the row with BUDGET.MONTHLY_CAP_REACHED and asks for no image when the keyframes would pass the cap', async () => {
    const { row } = anchoredRow(storyboard, sneaker);
    const { step, bullJob, rows, image, store, flows } = setup(row, storyboard, dataDir, { costUsd: CAP_USD - 0.01 });
    await expect(step.handle(bullJob)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(image.calls).toEqual([]);
    const job = rows.get(row.id)!;
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('BUDGET.MONTHLY_CAP_REACHED');
    expect(job.keyframes).toMatchObject({ status: 'cancelled', done: 0 });
    expect(job.scenes.every((s) => s.status === 'cancelled')).toBe(true);
    expect(store.putFile).not.toHaveBeenCalled();
    expect(flows.addBulk).not.toHaveBeenCalled();
  });

  it("fails the row with BUDGET.EXCEEDED and asks for no image when the keyframes would pass the job's budget", async () => {
    const { row, keyframes } = anchoredRow(storyboard, { ...sneaker, budgetUsd: KEYFRAME_USD / 2 });
    expect(keyframes.length).toBeGreaterThan(0);
    const { step, bullJob, rows, image, tenantUsage } = setup(row, storyboard, dataDir);
    await expect(step.handle(bullJob)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(image.calls).toEqual([]);
    expect(tenantUsage.get).not.toHaveBeenCalled();
    expect(rows.get(row.id)).toMatchObject({ status: 'failed', error: { code: 'BUDGET.EXCEEDED' } });
    expect(rows.get(row.id)?.error?.message).toContain("over the job's budget of $0.02");
  });

  it('pays for none of the keyframes a revision keeps, so a tenant at its cap may still revise', async () => {
    const { row } = anchoredRow(storyboard, sneaker);
    const { step, bullJob, rows, image, store } = setup(row, storyboard, dataDir, { costUsd: CAP_USD + 3 });
    Object.assign(bullJob.data, { revision: 1 });
    store.head.mockResolvedValue({ 'content-hash': 'of the first render' });
    await step.handle(bullJob);
    expect(image.calls).toEqual([]);
    expect(rows.get(row.id)?.keyframes?.status).toBe('completed');
  });
});
