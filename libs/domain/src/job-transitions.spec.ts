import { aJob } from '@app/testing';
import {
  assetProviderJobCreated,
  canMovePart,
  cancelled,
  completed,
  composingProgressed,
  composingStarted,
  failed,
  keyframeMade,
  keyframesCompleted,
  keyframesStarted,
  musicCompleted,
  musicProgressed,
  musicStarted,
  planned,
  planningStarted,
  revisionSpendUsd,
  revisionStarted,
  sceneCompleted,
  sceneProgressed,
  sceneProviderJobCreated,
  sceneStarted,
  usageRecorded,
} from './job-transitions';
import { type Job, type SceneState } from './job';
import { planSchedule } from './schedule';

const AT = '2026-12-06T10:00:00.000Z';
const LATER = '2026-12-06T10:05:00.000Z';

function scene(index: number, overrides: Partial<SceneState> = {}): SceneState {
  return {
    index,
    status: 'pending',
    progress: 0,
    durationSec: 3,
    chain: index,
    seededFrom: null,
    startedAt: null,
    finishedAt: null,
    clipKey: null,
    ...overrides,
  };
}

/** Applies a mutation as the repository does, to a copy; returns the copy and whether it changed. */
function apply(job: Job, mutation: (job: Job) => boolean | void): { job: Job; changed: boolean } {
  const next = structuredClone(job);
  const changed = mutation(next) !== false;
  return { job: next, changed };
}

describe('job transitions', () => {
  describe('parts', () => {
    it('move forward only, and a finished part stays finished', () => {
      expect(canMovePart('pending', 'running')).toBe(true);
      expect(canMovePart('running', 'completed')).toBe(true);
      expect(canMovePart('pending', 'skipped')).toBe(true);
      expect(canMovePart('running', 'pending')).toBe(false);
      expect(canMovePart('completed', 'running')).toBe(false);
      expect(canMovePart('cancelled', 'running')).toBe(false);
      expect(canMovePart('completed', 'completed')).toBe(true);
    });
  });

  describe('the job', () => {
    it('planningStarted moves a queued job to planning once', () => {
      const first = apply(aJob({ status: 'queued' }), planningStarted(AT));
      expect(first.job.status).toBe('planning');
      expect(first.job.stages.planning).toEqual({ startedAt: AT, finishedAt: null });
      expect(apply(first.job, planningStarted(LATER)).changed).toBe(false);
    });

    it('planned lays out every scene on its profile and strategy, music and keyframes pending', () => {
      const scenes = [{ transitionIn: 'cut' as const }, { transitionIn: 'continuous' as const }];
      const schedule = planSchedule(scenes, () => ({ profile: 'video_kling', firstAndLastFrame: true }), true);
      const job = aJob({ status: 'planning', stages: { planning: { startedAt: AT, finishedAt: null } } });
      const { job: next } = apply(
        job,
        planned(
          {
            schedule,
            scenes: [
              { index: 0, durationSec: 4 },
              { index: 1, durationSec: 2 },
            ],
            musicEnabled: false,
            planning: null,
            unreported: { ...record('template') },
            backends: { video: 'replicate', music: 'synth' },
            estimatedCostUsd: 1.25,
          },
          LATER,
        ),
      );
      expect(next.status).toBe('generating');
      expect(next.stages).toEqual({
        planning: { startedAt: AT, finishedAt: LATER },
        generating: { startedAt: LATER, finishedAt: null },
      });
      expect(next.scenes.map((s) => [s.index, s.status, s.durationSec, s.profile, s.strategy, s.seededFrom])).toEqual([
        [0, 'pending', 4, 'video_kling', 'anchored', null],
        [1, 'pending', 2, 'video_kling', 'anchored', 0],
      ]);
      expect(next.music).toEqual({ status: 'skipped', progress: 0 });
      expect(next.keyframes).toEqual({ status: 'pending', count: 1, done: 0 });
      expect(next.usage).toEqual({ items: [], costUsd: 0, estimatedCostUsd: 1.25 });
      expect(next.backends).toEqual({ planner: 'template', video: 'replicate', music: 'synth' });
    });

    it('planned keeps how a provided storyboard was planned, and prefers a fresh report to both', () => {
      const provided = aJob({ status: 'planning', planning: record('provided') });
      const base = {
        schedule: planSchedule(
          [{ transitionIn: 'cut' as const }],
          () => ({ profile: 'p', firstAndLastFrame: false }),
          false,
        ),
        scenes: [{ index: 0, durationSec: 6 }],
        musicEnabled: true,
        unreported: record('template'),
        backends: { video: 'animatic', music: 'synth' },
        estimatedCostUsd: 0,
      };
      expect(apply(provided, planned({ ...base, planning: null })).job.planning?.planner).toBe('provided');
      expect(apply(provided, planned({ ...base, planning: record('openai') })).job.planning?.planner).toBe('openai');
      expect(apply(aJob({ status: 'planning' }), planned({ ...base, planning: null })).job.planning?.planner).toBe(
        'template',
      );
      expect(apply(aJob({ status: 'generating' }), planned({ ...base, planning: null })).changed).toBe(false);
    });

    it('composing progress is never lowered', () => {
      const composing = apply(aJob({ status: 'generating', progress: 50 }), composingStarted(AT)).job;
      expect(composing.status).toBe('composing');
      const half = apply(composing, composingProgressed(0.5));
      expect(half.changed).toBe(true);
      expect(apply(half.job, composingProgressed(0.2)).changed).toBe(false);
    });

    it('completed stores the outputs and closes the composing stage', () => {
      const job = aJob({ status: 'composing', stages: { composing: { startedAt: AT, finishedAt: null } } });
      const output = {
        type: 'video' as const,
        aspectRatio: '16:9',
        key: 'k',
        contentType: 'video/mp4',
        width: 1,
        height: 1,
        durationSec: 6,
      };
      const next = apply(job, completed([output], LATER)).job;
      expect(next.status).toBe('completed');
      expect(next.outputs).toEqual([output]);
      expect(next.stages.composing).toEqual({ startedAt: AT, finishedAt: LATER });
    });

    it('failed and cancelled end every live part, and leave finished ones as they are', () => {
      const job = aJob({
        status: 'generating',
        scenes: [scene(0, { status: 'completed' }), scene(1, { status: 'running' }), scene(2)],
        music: { status: 'running', progress: 40 },
        keyframes: { status: 'running', count: 2, done: 1 },
      });
      const gone = apply(job, failed({ code: 'SCENE.GENERATION_FAILED', message: 'x'.repeat(2000) })).job;
      expect(gone.status).toBe('failed');
      expect(gone.error?.message).toHaveLength(500);
      expect(gone.scenes.map((s) => s.status)).toEqual(['completed', 'cancelled', 'cancelled']);
      expect(gone.music.status).toBe('cancelled');
      expect(gone.keyframes?.status).toBe('cancelled');
      const stopped = apply(job, cancelled()).job;
      expect(stopped).toMatchObject({ status: 'cancelled', cancelRequested: true });
      expect(stopped.scenes.map((s) => s.status)).toEqual(['completed', 'cancelled', 'cancelled']);
    });

    it('usageRecorded adds to the cost record', () => {
      const usage = { provider: 'replicate', model: 'm', seconds: 5, calls: 1, costUsd: 0.35 };
      const once = apply(aJob(), usageRecorded(usage)).job;
      const twice = apply(once, usageRecorded(usage)).job;
      expect(twice.usage).toEqual({ items: [usage, usage], costUsd: 0.7, estimatedCostUsd: null });
    });
  });

  describe('scenes', () => {
    it('start on a slot, report rising progress, record the provider job, and complete with what was made', () => {
      let job = aJob({ status: 'generating', scenes: [scene(0)] });
      job = apply(job, sceneStarted(0, 'gpu1', AT)).job;
      expect(job.scenes[0]).toMatchObject({ status: 'running', slot: 'gpu1', startedAt: AT });
      job = apply(job, sceneProgressed(0, 40)).job;
      expect(apply(job, sceneProgressed(0, 30)).changed).toBe(false);
      const ref = { provider: 'replicate', id: 'p1', endpoint: 'e', model: 'm', createdAt: AT };
      job = apply(job, sceneProviderJobCreated(0, ref)).job;
      expect(job.scenes[0].providerJob).toEqual(ref);
      const made = { slot: 'gpu1', continuity: null, colourMatch: null };
      job = apply(job, sceneCompleted(0, { clipKey: 'clips/scene_0.mp4', made }, LATER)).job;
      expect(job.scenes[0]).toMatchObject({
        status: 'completed',
        progress: 100,
        finishedAt: LATER,
        clipKey: 'clips/scene_0.mp4',
        slot: 'gpu1',
      });
    });

    it('a completed scene is not started again (a retried step that found its clip stored)', () => {
      const job = aJob({ status: 'generating', scenes: [scene(0, { status: 'completed', progress: 100 })] });
      expect(apply(job, sceneStarted(0, 'gpu0')).changed).toBe(false);
      expect(apply(job, sceneProgressed(0, 10)).changed).toBe(false);
      expect(
        apply(job, sceneProviderJobCreated(0, { provider: 'p', id: 'i', endpoint: 'e', model: 'm', createdAt: AT }))
          .changed,
      ).toBe(false);
    });
  });

  describe('single assets', () => {
    const ref = {
      provider: 'replicate',
      id: 'p9',
      endpoint: 'e',
      model: 'black-forest-labs/flux-schnell',
      createdAt: AT,
    };
    const asset = {
      request: {} as NonNullable<Job['asset']>['request'],
      metadata: [],
      backend: 'replicate:black-forest-labs/flux-schnell',
    };

    it('records the provider job of a live asset, so a retried step resumes it', () => {
      const job = apply(aJob({ kind: 'asset', status: 'generating', asset }), assetProviderJobCreated(ref)).job;
      expect(job.asset!.providerJob).toEqual(ref);
    });

    it('leaves a finished asset, and a row that is not an asset, as they are', () => {
      const done = aJob({ kind: 'asset', status: 'completed', asset });
      expect(apply(done, assetProviderJobCreated(ref)).changed).toBe(false);
      expect(apply(aJob({ status: 'generating' }), assetProviderJobCreated(ref)).changed).toBe(false);
    });
  });

  describe('music and keyframes', () => {
    it('music runs, reports rising progress and completes', () => {
      let job = aJob({ status: 'generating', music: { status: 'pending', progress: 0 } });
      job = apply(job, musicStarted(AT)).job;
      job = apply(job, musicProgressed(50)).job;
      expect(apply(job, musicProgressed(50)).changed).toBe(false);
      job = apply(job, musicCompleted(LATER)).job;
      expect(job.music).toEqual({ status: 'completed', progress: 100, startedAt: AT, finishedAt: LATER });
      expect(apply(job, musicStarted()).changed).toBe(false);
    });

    it('skipped music is never started', () => {
      expect(apply(aJob({ music: { status: 'skipped', progress: 0 } }), musicStarted()).changed).toBe(false);
    });

    it('keyframes count up to their total and complete', () => {
      let job = aJob({ status: 'generating', keyframes: { status: 'pending', count: 2, done: 0 } });
      job = apply(job, keyframesStarted(AT)).job;
      job = apply(job, keyframeMade()).job;
      job = apply(job, keyframeMade()).job;
      expect(apply(job, keyframeMade()).changed).toBe(false);
      job = apply(job, keyframesCompleted(LATER)).job;
      expect(job.keyframes).toEqual({ status: 'completed', count: 2, done: 2, startedAt: AT, finishedAt: LATER });
      expect(apply(aJob({ keyframes: null }), keyframesStarted()).changed).toBe(false);
    });
  });
});

function record(planner: string) {
  return { planner, model: null, promptTokens: 0, completionTokens: 0, latencyMs: 0, calls: 0, repaired: false };
}

describe(revisionStarted.name, () => {
  const schedule = planSchedule(
    [{ transitionIn: 'cut' }, { transitionIn: 'continuous' }, { transitionIn: 'cut' }],
    () => ({ profile: 'video_default', firstAndLastFrame: false }),
    true,
  );
  const finished = (): Job =>
    aJob({
      status: 'completed',
      progress: 100,
      scenes: [0, 1, 2].map((i) =>
        scene(i, { status: 'completed', progress: 100, clipKey: `clips/scene_${i}.mp4`, finishedAt: AT }),
      ),
      music: { status: 'completed', progress: 100 },
      outputs: [
        {
          type: 'video',
          aspectRatio: '16:9',
          key: 'final/output.mp4',
          contentType: 'video/mp4',
          width: 1,
          height: 1,
          durationSec: 9,
        },
      ],
      usage: { items: [], costUsd: 1.5, estimatedCostUsd: 1.5 },
    });
  const start = (job: Job, number = 1) =>
    revisionStarted(
      {
        number,
        brief: { ...job.brief, callToAction: 'Ask your pharmacist' },
        schedule,
        scenes: [0, 1, 2].map((index) => ({ index, durationSec: 3 })),
        musicEnabled: true,
        changes: [{ field: 'scenes[1].visualPrompt', scene: 1 }],
        regenerate: [
          { index: 1, reason: 'changed' },
          { index: 2, reason: 'new-seed-frame' },
        ],
        estimatedCostUsd: 0.4,
      },
      LATER,
    )(job);

  it('reopens a completed job: the first render kept as revision 0, only the scenes made again pending', () => {
    const job = finished();
    start(job);
    expect(job).toMatchObject({ status: 'generating', revision: 1, error: null });
    expect(job.brief.callToAction).toBe('Ask your pharmacist');
    expect(job.scenes.map((s) => [s.status, s.clipKey])).toEqual([
      ['completed', 'clips/scene_0.mp4'],
      ['pending', null],
      ['pending', null],
    ]);
    expect(job.revisions?.map((r) => [r.number, r.status, r.outputs.length])).toEqual([
      [0, 'completed', 1],
      [1, 'running', 0],
    ]);
    expect(job.revisions?.[1]).toMatchObject({ baseCostUsd: 1.5, estimatedCostUsd: 0.4 });
  });

  it('counts only what the revision spends, and closes its record when the job completes or fails', () => {
    const job = finished();
    start(job);
    usageRecorded({ provider: 'p', model: 'm', seconds: 3, calls: 1, costUsd: 0.25 })(job);
    expect(revisionSpendUsd(job)).toBe(0.25);
    completed([])(job);
    expect(job.revisions?.[1]).toMatchObject({ status: 'completed', costUsd: 0.25, finishedAt: expect.any(String) });

    start(job, 2);
    failed({ code: 'SCENE.GENERATION_FAILED', message: 'no' })(job);
    expect(job.revisions?.[2]).toMatchObject({ status: 'failed', error: { code: 'SCENE.GENERATION_FAILED' } });
  });

  it('keeps the music and every scene completed for a revision that only recomposes', () => {
    const job = finished();
    revisionStarted(
      {
        number: 1,
        brief: job.brief,
        schedule,
        scenes: [0, 1, 2].map((index) => ({ index, durationSec: 3 })),
        musicEnabled: true,
        changes: [{ field: 'scenes[0].onScreenText', scene: 0 }],
        regenerate: [],
        remake: { scenes: false, music: false, soundtrack: false },
        estimatedCostUsd: 0,
      },
      LATER,
    )(job);
    expect(job.status).toBe('generating');
    expect(job.music.status).toBe('completed');
    expect(job.scenes.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    expect(job.revisions?.[1].remake).toEqual({ scenes: false, music: false, soundtrack: false });
  });

  it('declines a running or cancelled job, and a revision number already taken', () => {
    expect(start(aJob({ status: 'generating' }))).toBe(false);
    expect(start(aJob({ status: 'cancelled' }))).toBe(false);
    const job = finished();
    start(job, 1);
    completed([])(job);
    expect(start(job, 1)).toBe(false);
  });
});
