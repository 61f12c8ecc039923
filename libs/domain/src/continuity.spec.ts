import { buildChains, clipDurationSec, seededFrom } from './continuity';
import { CROSSFADE_SEC } from './storyboard.schema';
import { type TransitionIn } from './vocabulary';

const scenes = (t: TransitionIn[]) => t.map((transitionIn) => ({ transitionIn, durationSec: 4 }));

describe(buildChains.name, () => {
  it('joins continuous scenes to the chain before them and starts a chain on anything else', () => {
    expect(buildChains(scenes(['cut', 'continuous', 'continuous', 'cut', 'crossfade', 'continuous']))).toEqual([
      { index: 0, sceneIndexes: [0, 1, 2] },
      { index: 1, sceneIndexes: [3] },
      { index: 2, sceneIndexes: [4, 5] },
    ]);
  });

  it('starts a chain at the first scene even when it claims to be continuous', () => {
    expect(buildChains(scenes(['continuous', 'continuous']))).toEqual([{ index: 0, sceneIndexes: [0, 1] }]);
  });
});

describe(seededFrom.name, () => {
  it('names the scene before a continuous one, and nothing otherwise', () => {
    const s = scenes(['cut', 'continuous', 'crossfade']);
    expect([0, 1, 2].map((i) => seededFrom(s, i))).toEqual([null, 0, null]);
  });
});

describe(clipDurationSec.name, () => {
  it('adds the crossfade overlap to the outgoing clip so the ad keeps its length', () => {
    const s = scenes(['cut', 'crossfade', 'cut']);
    expect(clipDurationSec(s, 0)).toBe(4 + CROSSFADE_SEC);
    expect(clipDurationSec(s, 1)).toBe(4);
    expect(clipDurationSec(s, 2)).toBe(4);
  });
});
