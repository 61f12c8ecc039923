import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { type Job as BullJob, UnrecoverableError } from 'bullmq';
import { mock } from 'jest-mock-extended';
import { NEVER } from 'rxjs';
import { type AppConfig } from '@app/config';
import { type Brief, type Job, type Storyboard } from '@app/domain';
import {
  CostEstimator,
  loadModelRegistry,
  type ModelRouter,
  type MusicGenerator,
  type MusicRequest,
  type StepOptions,
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
import { aBrief, aPlannedJob, withCallPrice, withJobRows } from '@app/testing';
import { MusicStep } from './music.step';
import { StepRunner } from './step-runner.service';
import { type Storyboards } from './storyboards.service';
import { UsageRecorder } from './usage-recorder.service';

const BED_USD = 0.2;
const CAP_USD = 5;
const embeddedRegistry = () =>
  loadModelRegistry({ providers: { modelsFile: null, vllmOmniBaseUrls: [], replicateTokens: [] } });

/** A music model that records what it is asked and bills each bed. */
class RecordingMusicModel implements MusicGenerator {
  readonly name = 'stable-audio';
  readonly calls: MusicRequest[] = [];
  readonly created: string[] = [];
  readonly resumed: string[] = [];
  /** the worker dies right after the next create is recorded */
  dieAfterCreate = false;
  async generate(request: MusicRequest, options: StepOptions = {}) {
    this.calls.push(request);
    if (options.resume) this.resumed.push(options.resume.id);
    else {
      const id = `prediction-${this.created.length}`;
      this.created.push(id);
      await options.onProviderJob?.({
        provider: 'replicate',
        id,
        endpoint: 'key:0',
        model: 'stable-audio',
        createdAt: '',
      });
      if (this.dieAfterCreate) throw new Error('worker killed');
    }
    return {
      path: join(request.workDir, 'bed.m4a'),
      usage: { provider: 'replicate', model: 'stable-audio', seconds: request.durationSec, calls: 1, costUsd: BED_USD },
    };
  }
}

/** A job as the plan step leaves it: generating, its music bed pending. */
const generatingRow = (storyboard: Storyboard, brief: Brief): Job =>
  aPlannedJob(storyboard, brief, { musicEnabled: true, estimatedCostUsd: BED_USD }).row;

/** MusicStep through the real StepRunner, UsageRecorder and CostEstimator; storage is a typed mock. */
function setup(row: Job, storyboard: Storyboard, dataDir: string, spent: Partial<TenantUsage> = {}) {
  const config = { dataDir, minFreeDiskMb: 0, limits: { monthlySpendCapUsd: CAP_USD } } as AppConfig;
  const jobs = mock<JobRepository>();
  const { rows } = withJobRows(jobs, row);
  const steps = new StepRunner(jobs, Object.assign(mock<JobChangeNotifier>(), { changes$: NEVER }));
  const store = mock<ArtifactStore>();
  store.head.mockResolvedValue(null);
  const storyboards = mock<Storyboards>();
  storyboards.load.mockResolvedValue(storyboard);
  const tenantUsage = mock<TenantUsageRepository>();
  tenantUsage.get.mockResolvedValue({ month: '2026-12', costUsd: 0, seconds: 0, calls: 0, jobs: 0, ...spent });
  const usage = new UsageRecorder(jobs, tenantUsage, config);
  const costs = new CostEstimator(withCallPrice(embeddedRegistry(), 'music_default', BED_USD), mock<ModelRouter>());
  const music = new RecordingMusicModel();
  const step = new MusicStep(config, steps, jobs, store, storyboards, music, usage, costs);
  const ref: JobRef = { tenantId: row.tenantId, jobId: row.id };
  const bullJob = mock<BullJob<JobRef>>({
    id: `${row.id}.music`,
    data: ref,
    attemptsMade: 0,
    opts: STEP_OPTIONS.music,
  });
  return { step, bullJob, rows, store, music, tenantUsage };
}

describe(MusicStep.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  const brief = aBrief();
  let storyboard: Storyboard;
  let dataDir: string;

  beforeAll(async () => {
    storyboard = await new TemplatePlanner().plan(brief);
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reelsmith-music-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('makes the bed and records what it cost when the tenant has room under its cap', async () => {
    const row = generatingRow(storyboard, brief);
    const { step, bullJob, rows, music, store } = setup(row, storyboard, dataDir, { costUsd: 1 });
    await step.handle(bullJob);
    expect(music.calls.map((c) => c.durationSec)).toEqual([storyboard.durationSec]);
    expect(store.putFile).toHaveBeenCalledTimes(1);
    expect(rows.get(row.id)).toMatchObject({ music: { status: 'completed' }, usage: { costUsd: BED_USD } });
  });

  it('resumes the bed an earlier run of the step created instead of paying for another', async () => {
    const row = generatingRow(storyboard, brief);
    const { step, bullJob, rows, music } = setup(row, storyboard, dataDir);
    music.dieAfterCreate = true;
    await expect(step.handle(bullJob)).rejects.toThrow('worker killed');
    expect(rows.get(row.id)!.music.providerJob?.ref.id).toBe('prediction-0');

    music.dieAfterCreate = false;
    await step.handle(Object.assign(bullJob, { attemptsMade: 1 }));
    expect(music.created).toEqual(['prediction-0']);
    expect(music.resumed).toEqual(['prediction-0']);
    expect(rows.get(row.id)).toMatchObject({ music: { status: 'completed' } });
  });

  it('fails the row with BUDGET.MONTHLY_CAP_REACHED and asks for no bed when it would pass the cap', async () => {
    const row = generatingRow(storyboard, brief);
    const { step, bullJob, rows, music, store } = setup(row, storyboard, dataDir, { costUsd: CAP_USD - 0.1 });
    await expect(step.handle(bullJob)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(music.calls).toEqual([]);
    expect(store.putFile).not.toHaveBeenCalled();
    expect(rows.get(row.id)).toMatchObject({
      status: 'failed',
      error: { code: 'BUDGET.MONTHLY_CAP_REACHED' },
      music: { status: 'cancelled' },
    });
  });

  it("fails the row with BUDGET.EXCEEDED and asks for no bed when it would pass the job's budget", async () => {
    const row = generatingRow(storyboard, { ...brief, budgetUsd: BED_USD / 2 });
    const { step, bullJob, rows, music, tenantUsage } = setup(row, storyboard, dataDir);
    await expect(step.handle(bullJob)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(music.calls).toEqual([]);
    expect(tenantUsage.get).not.toHaveBeenCalled();
    expect(rows.get(row.id)).toMatchObject({ status: 'failed', error: { code: 'BUDGET.EXCEEDED' } });
  });
});
