import { AppError, briefSchema, MAX_SCENE_SEC, MIN_SCENE_SEC, type StoryboardScene } from '@app/domain';
import { SAMPLE_BRIEFS } from '../sample-briefs.fixture';
import { TemplatePlanner } from '../template.planner';
import { deepFreeze } from './prompt-checks.fixture';
import { fitSceneTiming, removeScene, retimeScenes } from './scene-timing';

const planned = () =>
  new TemplatePlanner()
    .plan(briefSchema.parse({ ...SAMPLE_BRIEFS.allergy30s, compliance: undefined }))
    .then((s) => deepFreeze(s.scenes));
const scene = (
  durationSec: number,
  transitionIn: StoryboardScene['transitionIn'] = 'cut',
  index = 0,
  extra: Partial<StoryboardScene> = {},
): StoryboardScene => ({
  ...extra,
  index,
  beat: 'hook',
  durationSec,
  visualPrompt: `Shot ${index}.`,
  cameraMove: 'static',
  onScreenText: '',
  transitionIn,
  palette: ['#000000', '#FFFFFF'],
});

describe(retimeScenes.name, () => {
  it('keeps the scene count and sums exactly to every length the bounds allow', async () => {
    const scenes = await planned();
    for (let total = 6; total <= 120; total++) {
      const { scenes: timed } = retimeScenes(scenes, total);
      expect(timed.reduce((sum, s) => sum + s.durationSec, 0)).toBe(total);
      expect(
        timed.every((s, i) => s.index === i && s.durationSec >= MIN_SCENE_SEC && s.durationSec <= MAX_SCENE_SEC),
      ).toBe(true);
      expect(timed[0].transitionIn).toBe('cut');
      if (total >= scenes.length * MIN_SCENE_SEC && total <= scenes.length * MAX_SCENE_SEC) {
        expect(timed.map((s) => s.visualPrompt)).toEqual(scenes.map((s) => s.visualPrompt));
      }
    }
  });

  it('merges continued parts before dropping a beat, and drops the problem before the product, when too short', async () => {
    const { scenes, changes } = retimeScenes(await planned(), 8);

    expect(scenes.map((s) => s.beat)).toEqual(['hook', 'product', 'benefit', 'end-card']);
    expect(changes.slice(0, 3)).toEqual([
      'scene 6 merged into scene 5 to fit 8 s',
      'scene 3 merged into scene 2 to fit 8 s',
      'scene 2 dropped to fit 8 s',
    ]);
  });

  it('keeps one line for a merged shot, trimmed to what can be said in its new length', () => {
    const scenes = deepFreeze([
      scene(4, 'cut', 0, { narration: 'Sound familiar? We’ve all been there.' }),
      scene(4, 'continuous', 1, { narration: 'It doesn’t have to be this way.' }),
      scene(4, 'crossfade', 2, { transitionSec: 0.75, narration: 'Ask your doctor, or your pharmacist.' }),
    ]);
    const { scenes: timed } = retimeScenes(scenes, 5);

    expect(timed.map((s) => [s.durationSec, s.narration, s.transitionSec])).toEqual([
      [3, 'Sound familiar? We’ve all been there.', undefined],
      [2, 'Ask your doctor.', 0.625],
    ]);
  });

  it('adds a continuous follow-on to the longest shot when too long for the scenes it has', () => {
    const { scenes } = retimeScenes([scene(3, 'cut', 0, { narration: 'Take a look.' }), scene(3, 'cut', 1)], 30);

    expect(scenes).toHaveLength(3);
    expect(scenes[1].transitionIn).toBe('continuous');
    expect(scenes[1].visualPrompt).toBe('The same unbroken shot continues: Shot 0.');
    expect(scenes[1]).not.toHaveProperty('narration');
    expect(scenes[1]).not.toHaveProperty('transitionSec');
    expect(scenes.reduce((sum, s) => sum + s.durationSec, 0)).toBe(30);
  });
});

describe(removeScene.name, () => {
  it('gives the removed seconds to the scene before, spilling on when that would pass the maximum', () => {
    const scenes = deepFreeze([scene(10), scene(6, 'crossfade', 1), scene(11, 'cut', 2), scene(3, 'cut', 3)]);
    const { scenes: next, changes } = removeScene(scenes, 1, ['1', '2', '3', '4']);

    expect(next.map((s) => s.durationSec)).toEqual([12, 12, 6]);
    expect(next.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(changes[0]).toBe('scene 2 removed; its 6 s went to scene 1 (+2 s), scene 3 (+1 s) and scene 4 (+3 s)');
  });

  it('reaches past full neighbours to the nearest scene with room', () => {
    const scenes = deepFreeze([scene(2), ...[1, 2, 3, 4, 5, 6].map((i) => scene(12, 'cut', i)), scene(8, 'cut', 7)]);
    const { scenes: next } = removeScene(scenes, 7, ['1', '2', '3', '4', '5', '6', '7', '8']);

    expect(next.map((s) => s.durationSec)).toEqual([10, 12, 12, 12, 12, 12, 12]);
  });

  it('refuses when the other scenes cannot hold the length', () => {
    expect(() => removeScene([scene(12), scene(12, 'cut', 1)], 0, ['1', '2'])).toThrow(AppError);
  });
});

describe(fitSceneTiming.name, () => {
  it('shortens blends to a third of either neighbour and drops them from joins', () => {
    const { scenes, changes } = fitSceneTiming(
      deepFreeze([
        scene(3, 'cut', 0, { transitionSec: 0.5 }),
        scene(2, 'dip-to-black', 1, { transitionSec: 1.5 }),
        scene(6, 'continuous', 2, { transitionSec: 0.5 }),
        scene(6, 'wipe-left', 3, { transitionSec: 0.4 }),
      ]),
    );

    expect(scenes.map((s) => s.transitionSec)).toEqual([undefined, 0.625, undefined, 0.4]);
    expect(changes).toEqual(['scene 2: dip-to-black 1.5 s → 0.625 s to fit its neighbours']);
  });

  it('trims narration to whole sentences or a leading clause, and drops what cannot be said in time', () => {
    const { scenes, changes } = fitSceneTiming(
      deepFreeze([
        scene(2, 'cut', 0, { narration: 'Sound familiar? We’ve all been there.' }),
        scene(2, 'cut', 1, { narration: 'Introducing Glow: a serum for tired skin.' }),
        scene(2, 'cut', 2, { narration: 'Is sneezing ruining your family picnic?' }),
        scene(3, 'cut', 3, { narration: 'Glow. Shop now.' }),
      ]),
    );

    expect(scenes.map((s) => s.narration)).toEqual([
      'Sound familiar?',
      'Introducing Glow.',
      undefined,
      'Glow. Shop now.',
    ]);
    expect(changes).toHaveLength(3);
    expect(scenes[2]).not.toHaveProperty('narration');
  });
});
