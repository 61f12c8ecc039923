import { Logger } from '@nestjs/common';
import { type FlowProducer, type Job as BullJob, type Queue, UnrecoverableError } from 'bullmq';
import { mock } from 'jest-mock-extended';
import { type AppConfig } from '@app/config';
import { NEVER } from 'rxjs';
import { AppError, type Brief, Errors, type Job, type Storyboard } from '@app/domain';
import {
  CostEstimator,
  type Generators,
  loadModelRegistry,
  type ModelProfile,
  type ModelRouter,
  type MusicGenerator,
  type VideoGenerator,
} from '@app/generation';
import {
  type JobChangeNotifier,
  type JobRepository,
  newJobId,
  type TenantUsage,
  type TenantUsageRepository,
} from '@app/persistence';
import { type JobRef, STEP_OPTIONS } from '@app/pipeline';
import { type PlanReport, type StoryboardPlanner, TemplatePlanner } from '@app/planner';
import { SafetyBlockedError, type SafetyScreen } from '@app/safety';
import { type ArtifactStore } from '@app/storage';
import { aBrief, aJob, withJobRows } from '@app/testing';
import { PlanStep } from './plan.step';
import { StepRunner } from './step-runner.service';
import { UsageRecorder } from './usage-recorder.service';

const REGISTRY = loadModelRegistry({ providers: { modelsFile: null, vllmOmniBaseUrls: [], replicateTokens: [] } });
const REPORT: PlanReport = {
  planner: 'openai',
  model: 'gpt-test',
  promptTokens: 900,
  completionTokens: 400,
  latencyMs: 1200,
  calls: 1,
  repaired: false,
};

/** A profile of the embedded registry, optionally one that takes first and last frames (like Kling). */
function profile(name: string, firstAndLast = false): ModelProfile {
  return { ...REGISTRY.get(name), acceptsFirstFrame: firstAndLast, acceptsLastFrame: firstAndLast };
}

/**
 * PlanStep run through the real StepRunner (so a failure reaches the row with its code, as in
 * production) over a mocked repository holding one live row. Every other collaborator is a typed mock.
 */
function setup(row: Job, storyboard: Storyboard, spent: Partial<TenantUsage> = {}) {
  const jobs = mock<JobRepository>();
  const { rows, mutations } = withJobRows(jobs, row);
  const notifier = Object.assign(mock<JobChangeNotifier>(), { changes$: NEVER });
  const steps = new StepRunner(jobs, notifier);
  const store = mock<ArtifactStore>();
  store.getJson.mockResolvedValue(null);
  const planner = mock<StoryboardPlanner>({ name: 'openai', model: 'gpt-test', paid: true });
  planner.plan.mockImplementation(async (_brief, opts) => {
    opts?.onReport?.(REPORT);
    return structuredClone(storyboard);
  });
  const safety = mock<SafetyScreen>();
  const costs = mock<CostEstimator>();
  costs.job.mockReturnValue(0.42);
  // the budget rule itself (it reads nothing but its arguments), over otherwise scripted estimates
  costs.assertBudgetLeft.mockImplementation((b, s) => CostEstimator.prototype.assertBudgetLeft.call(costs, b, s));
  // the real recorder over a tenant's month that has `spent` on it, under a cap of $100
  const tenantUsage = mock<TenantUsageRepository>();
  tenantUsage.get.mockResolvedValue({ month: '2026-12', costUsd: 0, seconds: 0, calls: 0, jobs: 0, ...spent });
  const usage = new UsageRecorder(jobs, tenantUsage, { limits: { monthlySpendCapUsd: 100 } } as AppConfig);
  const router = mock<ModelRouter>();
  router.sceneProfile.mockImplementation((_brief, _storyboard, i) => profile(i === 0 ? 'video_default' : 'video_long'));
  const generators = mock<Generators>({ image: null, speech: null });
  generators.videoFor.mockReturnValue(mock<VideoGenerator>({ name: 'animatic' }));
  const music = mock<MusicGenerator>({ name: 'synth' });
  const flows = mock<FlowProducer>();
  const composeQueue = mock<Queue>();
  composeQueue.getJob.mockResolvedValue(undefined);
  const step = new PlanStep(
    steps,
    jobs,
    store,
    planner,
    safety,
    costs,
    usage,
    router,
    generators,
    music,
    flows,
    composeQueue,
  );
  const ref: JobRef = { tenantId: row.tenantId, jobId: row.id };
  const bullJob = mock<BullJob<JobRef>>({ id: `${row.id}.plan`, data: ref, attemptsMade: 0, opts: STEP_OPTIONS.plan });
  return {
    step,
    bullJob,
    rows,
    mutations,
    jobs,
    store,
    planner,
    safety,
    costs,
    tenantUsage,
    router,
    generators,
    flows,
    composeQueue,
  };
}

describe(PlanStep.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  let brief: Brief;
  let storyboard: Storyboard;
  let row: Job;

  beforeEach(async () => {
    brief = aBrief();
    storyboard = await new TemplatePlanner().plan(brief);
    row = aJob({ id: newJobId(), status: 'queued', brief });
  });

  const scriptKey = () => `users/tenantA/jobs/${row.id}/script.json`;

  it('plans the brief, stores script.json and screens the planned texts as the planner', async () => {
    const { step, bullJob, planner, store, safety } = setup(row, storyboard);
    await step.handle(bullJob);
    expect(planner.plan).toHaveBeenCalledWith(brief, expect.objectContaining({ signal: expect.any(AbortSignal) }));
    expect(store.putJson).toHaveBeenCalledWith(scriptKey(), storyboard);
    expect(safety.enforce).toHaveBeenCalledWith(
      expect.arrayContaining([
        { field: 'storyboard.title', text: storyboard.title },
        { field: 'storyboard.scenes.0.visualPrompt', text: storyboard.scenes[0].visualPrompt },
      ]),
      { tenantId: 'tenantA', actor: 'tenantA/planner:openai', stage: 'plan' },
      expect.any(AbortSignal),
    );
  });

  it('renders the stored script when there is one, without asking the planner or storing it again', async () => {
    const provided = { ...row, planning: { ...REPORT, planner: 'provided', model: null, calls: 0 } };
    const { step, bullJob, planner, store, rows } = setup(provided, storyboard);
    store.getJson.mockResolvedValue(structuredClone(storyboard));
    await step.handle(bullJob);
    expect(store.getJson).toHaveBeenCalledWith(scriptKey());
    expect(planner.plan).not.toHaveBeenCalled();
    expect(store.putJson).not.toHaveBeenCalled();
    expect(rows.get(row.id)).toMatchObject({ status: 'generating', backends: { planner: 'provided' } });
  });

  it("writes planned: the row generating, each scene pending on the router's profile, backends and estimate recorded", async () => {
    const { step, bullJob, rows } = setup(row, storyboard);
    await step.handle(bullJob);
    const job = rows.get(row.id)!;
    expect(job.status).toBe('generating');
    expect(job.scenes.map((s) => [s.index, s.status, s.profile, s.strategy, s.durationSec])).toEqual([
      [0, 'pending', 'video_default', 'chained', 3],
      [1, 'pending', 'video_long', 'chained', 3],
    ]);
    expect(job.backends).toEqual({ planner: 'openai', video: 'animatic', music: 'synth' });
    expect(job.planning).toEqual(REPORT);
    expect(job.music.status).toBe('pending');
    expect(job.keyframes).toBeNull();
    expect(job.usage).toEqual({ items: [], costUsd: 0, estimatedCostUsd: 0.42 });
  });

  it('applied to a planning row, the planned mutation it wrote lays the scenes out on the profiles chosen', async () => {
    const { step, bullJob, mutations } = setup(row, storyboard);
    await step.handle(bullJob);
    const planning = aJob({
      id: row.id,
      status: 'planning',
      brief,
      stages: { planning: { startedAt: 'x', finishedAt: null } },
    });
    // The writes were planningStarted, then planned: the last one is the plan.
    mutations[mutations.length - 1](planning);
    expect(planning.status).toBe('generating');
    expect(planning.scenes.map((s) => s.profile)).toEqual(['video_default', 'video_long']);
  });

  it('anchors a continuous chain on keyframes when its models take first and last frames and an image model exists', async () => {
    storyboard.scenes[1] = { ...storyboard.scenes[1], transitionIn: 'continuous', transitionSec: undefined };
    const { step, bullJob, rows, router, generators, flows } = setup(row, storyboard);
    router.sceneProfile.mockReturnValue(profile('video_default', true));
    Object.assign(generators, { image: { name: 'animatic-frame', generate: jest.fn() } });
    await step.handle(bullJob);
    const job = rows.get(row.id)!;
    expect(job.scenes.map((s) => s.strategy)).toEqual(['anchored', 'anchored']);
    expect(job.keyframes).toEqual({ status: 'pending', count: 1, done: 0 });
    const flow = flows.add.mock.calls[0][0];
    expect(flow.children?.map((c) => c.name)).toEqual(expect.arrayContaining(['keyframes', 'soundtrack']));
    expect(flow.children?.find((c) => c.name === 'soundtrack')?.children?.map((c) => c.name)).toEqual(['music']);
  });

  it('adds the rest of the job as one flow under compose, with deterministic ids', async () => {
    const { step, bullJob, flows, composeQueue } = setup(row, storyboard);
    await step.handle(bullJob);
    expect(composeQueue.getJob).toHaveBeenCalledWith(`${row.id}.compose`);
    expect(flows.add).toHaveBeenCalledTimes(1);
    const flow = flows.add.mock.calls[0][0];
    expect(flow).toMatchObject({ name: 'compose', opts: { jobId: `${row.id}.compose` } });
    expect(flow.children?.map((c) => [c.queueName, c.opts?.jobId]).sort()).toEqual(
      [
        ['soundtrack', `${row.id}.soundtrack`],
        ['scene.video_default', `${row.id}.scene-0`],
        ['scene.video_long', `${row.id}.scene-1`],
      ].sort(),
    );
  });

  it('does not add the flow again when a retried plan finds the compose job already there', async () => {
    const { step, bullJob, flows, composeQueue, rows } = setup(row, storyboard);
    composeQueue.getJob.mockResolvedValue(mock<BullJob>({ id: `${row.id}.compose` }));
    await step.handle(bullJob);
    expect(flows.add).not.toHaveBeenCalled();
    expect(rows.get(row.id)?.status).toBe('generating');
  });

  it('fails the row with PLANNER.INVALID_STORYBOARD and writes nothing else when the storyboard breaks the brief', async () => {
    const { step, bullJob, rows, store, flows, safety } = setup(row, { ...storyboard, durationSec: 30 });
    const error = await step.handle(bullJob).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    const job = rows.get(row.id)!;
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('PLANNER.INVALID_STORYBOARD');
    expect(job.error?.message).toContain('durationSec');
    expect(job.scenes).toEqual([]);
    expect(store.putJson).not.toHaveBeenCalled();
    expect(safety.enforce).not.toHaveBeenCalled();
    expect(flows.add).not.toHaveBeenCalled();
  });

  it('fails the row with PLANNER.INVALID_STORYBOARD when a stored script is not a storyboard', async () => {
    const { step, bullJob, rows, store, flows } = setup(row, storyboard);
    store.getJson.mockResolvedValue({ title: 'half a storyboard' });
    await expect(step.handle(bullJob)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(rows.get(row.id)?.error?.code).toBe('PLANNER.INVALID_STORYBOARD');
    expect(flows.add).not.toHaveBeenCalled();
  });

  it('fails the row with BUDGET.EXCEEDED before planned is written and before any flow is added', async () => {
    const { step, bullJob, rows, costs, flows } = setup(row, storyboard);
    costs.job.mockReturnValue(12.5);
    costs.assertWithinBudget.mockImplementation(() => {
      throw new AppError(Errors.budgetExceeded, 'generation would cost about $12.50, over the budget of $1.00');
    });
    await expect(step.handle(bullJob)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(costs.assertWithinBudget).toHaveBeenCalledWith(brief, 0, 12.5);
    const job = rows.get(row.id)!;
    expect(job.error?.code).toBe('BUDGET.EXCEEDED');
    expect(job.scenes).toEqual([]);
    expect(job.usage).toBeUndefined();
    expect(flows.add).not.toHaveBeenCalled();
  });

  it('fails the row with SAFETY.BLOCKED when the planned texts are blocked, before anything is planned', async () => {
    const { step, bullJob, rows, safety, flows } = setup(row, storyboard);
    safety.enforce.mockRejectedValue(
      new SafetyBlockedError({ allowed: false, category: 'c', reason: 'r', source: 'moderation', promptHash: 'h' }),
    );
    await expect(step.handle(bullJob)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(rows.get(row.id)).toMatchObject({ status: 'failed', error: { code: 'SAFETY.BLOCKED' }, scenes: [] });
    expect(flows.add).not.toHaveBeenCalled();
  });

  it('leaves the row planning and rethrows when the planner times out with attempts left', async () => {
    const { step, bullJob, rows, planner, flows } = setup(row, storyboard);
    planner.plan.mockRejectedValue(new AppError(Errors.plannerTimeout, 'no answer in 60s'));
    await expect(step.handle(bullJob)).rejects.toMatchObject({ code: 'PLANNER.TIMEOUT' });
    expect(rows.get(row.id)).toMatchObject({ status: 'planning', error: null });
    expect(flows.add).not.toHaveBeenCalled();
  });

  it('does nothing for a job cancelled before its plan ran', async () => {
    const { step, bullJob, planner, flows, jobs } = setup({ ...row, status: 'cancelled' }, storyboard);
    await expect(step.handle(bullJob)).resolves.toBeUndefined();
    expect(planner.plan).not.toHaveBeenCalled();
    expect(jobs.update).not.toHaveBeenCalled();
    expect(flows.add).not.toHaveBeenCalled();
  });

  describe('spend caps before the LLM is called', () => {
    it('fails the row with BUDGET.MONTHLY_CAP_REACHED and asks the planner nothing when the tenant reached its cap', async () => {
      const { step, bullJob, rows, planner, store, flows } = setup(row, storyboard, { costUsd: 100 });
      await expect(step.handle(bullJob)).rejects.toBeInstanceOf(UnrecoverableError);
      expect(planner.plan).not.toHaveBeenCalled();
      const job = rows.get(row.id)!;
      expect(job).toMatchObject({ status: 'failed', scenes: [], planning: null });
      expect(job.error).toEqual({
        code: 'BUDGET.MONTHLY_CAP_REACHED',
        message: 'the tenant spent $100.00 in 2026-12, the monthly cap is $100.00',
      });
      expect(store.putJson).not.toHaveBeenCalled();
      expect(flows.add).not.toHaveBeenCalled();
    });

    it('plans when the tenant is a cent under its cap', async () => {
      const { step, bullJob, rows, planner } = setup(row, storyboard, { costUsd: 99.99 });
      await step.handle(bullJob);
      expect(planner.plan).toHaveBeenCalledTimes(1);
      expect(rows.get(row.id)?.status).toBe('generating');
    });

    it("fails the row with BUDGET.EXCEEDED and asks the planner nothing when the job's budget is $0", async () => {
      const broke = { ...row, brief: { ...brief, budgetUsd: 0 } };
      const { step, bullJob, rows, planner, tenantUsage } = setup(broke, storyboard);
      await expect(step.handle(bullJob)).rejects.toBeInstanceOf(UnrecoverableError);
      expect(planner.plan).not.toHaveBeenCalled();
      expect(tenantUsage.get).not.toHaveBeenCalled();
      expect(rows.get(row.id)).toMatchObject({ status: 'failed', error: { code: 'BUDGET.EXCEEDED' }, scenes: [] });
    });

    it('does not check the caps for a planner that costs nothing, nor for a stored script', async () => {
      const free = setup(row, storyboard, { costUsd: 500 });
      Object.assign(free.planner, { paid: false });
      await free.step.handle(free.bullJob);
      expect(free.planner.plan).toHaveBeenCalledTimes(1);
      expect(free.rows.get(row.id)?.status).toBe('generating');

      const provided = setup({ ...row, id: newJobId() }, storyboard, { costUsd: 500 });
      provided.store.getJson.mockResolvedValue(structuredClone(storyboard));
      await provided.step.handle(provided.bullJob);
      expect(provided.tenantUsage.get).not.toHaveBeenCalled();
      expect(provided.rows.get(provided.bullJob.data.jobId)?.status).toBe('generating');
    });
  });
});
