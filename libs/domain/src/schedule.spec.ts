import { type TransitionIn } from './vocabulary';
import { criticalPathSec, planSchedule, type SceneModel } from './schedule';

const scenes = (...t: TransitionIn[]) => t.map((transitionIn) => ({ transitionIn }));
const kling: SceneModel = { profile: 'video_kling', firstAndLastFrame: true };
const wan: SceneModel = { profile: 'video_default', firstAndLastFrame: false };

describe(planSchedule.name, () => {
  const board = scenes('cut', 'continuous', 'continuous', 'cut', 'crossfade', 'continuous');

  it('chains continuous scenes behind their predecessor when the model takes only a first frame', () => {
    const plan = planSchedule(board, () => wan, true);
    expect(plan.keyframes).toEqual([]);
    expect(plan.scenes.map((s) => [s.strategy, s.waitsFor, s.chain])).toEqual([
      ['chained', null, 0],
      ['chained', 0, 0],
      ['chained', 1, 0],
      ['chained', null, 1],
      ['chained', null, 2],
      ['chained', 4, 2],
    ]);
  });

  it('anchors chains on boundary keyframes when the model takes first and last frames, so nothing waits', () => {
    const plan = planSchedule(board, () => kling, true);
    expect(plan.keyframes).toEqual([1, 2, 5]);
    expect(plan.scenes.every((s) => s.waitsFor === null)).toBe(true);
    expect(plan.scenes.map((s) => [s.index, s.startKeyframe, s.endKeyframe, s.seededFrom])).toEqual([
      [0, null, 1, null],
      [1, 1, 2, 0],
      [2, 2, null, 1],
      [3, null, null, null],
      [4, null, 5, null],
      [5, 5, null, 4],
    ]);
    // a lone scene has no boundary: it is a plain chain that waits for nothing
    expect(plan.scenes[3].strategy).toBe('chained');
  });

  it('chains a chain when one of its scenes runs on a model without last frames, or keyframes cannot be made', () => {
    const mixed = planSchedule(board, (i) => (i === 2 ? wan : kling), true);
    expect(mixed.scenes.map((s) => s.strategy)).toEqual([
      'chained',
      'chained',
      'chained',
      'chained',
      'anchored',
      'anchored',
    ]);
    expect(mixed.keyframes).toEqual([5]);
    expect(planSchedule(board, () => kling, false).keyframes).toEqual([]);
  });
});

describe(criticalPathSec.name, () => {
  const t = { plan: 1, keyframe: 2, scene: () => 10, music: 5, compose: 3 };

  it('is the longest chain for chained schedules', () => {
    const plan = planSchedule(scenes('cut', 'continuous', 'continuous', 'cut'), () => wan, true);
    expect(criticalPathSec(plan, t)).toBe(1 + 30 + 3);
  });

  it('is one keyframe plus the longest scene for anchored schedules', () => {
    const plan = planSchedule(scenes('cut', 'continuous', 'continuous', 'cut'), () => kling, true);
    expect(criticalPathSec(plan, t)).toBe(1 + 2 + 10 + 3);
  });

  it('counts music when it is the longest thing', () => {
    const plan = planSchedule(scenes('cut', 'cut'), () => wan, true);
    expect(criticalPathSec(plan, { ...t, music: 25 })).toBe(1 + 25 + 3);
  });
});
