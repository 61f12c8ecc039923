import { briefSchema, MAX_SCENE_SEC, MAX_SCENES, MIN_SCENE_SEC, type BriefInput } from '@app/domain';
import { buildBeatTimeline, selectBeats } from './beat-timeline.builder';
import { readBriefCues } from './brief-cues.parser';
import { SAMPLE_BRIEFS } from './sample-briefs.fixture';

const cuesOf = (input: BriefInput) => readBriefCues(briefSchema.parse(input));
const plain = cuesOf({ brief: 'An ad for a new kind of umbrella.' });
const withProblem = cuesOf({ brief: 'Open on a commuter soaked and frustrated by rain.' });
const sneaker = cuesOf(SAMPLE_BRIEFS.sneaker15sVertical);

describe(selectBeats.name, () => {
  it('keeps only the hook and the end card when the ad is a bumper', () => {
    expect(selectBeats(6, plain)).toEqual(['hook', 'end-card']);
    expect(selectBeats(9, withProblem)).toEqual(['hook', 'end-card']);
  });

  it('adds the product, then the problem the brief describes or else the benefit, as the ad gets longer', () => {
    expect(selectBeats(12, plain)).toEqual(['hook', 'product', 'end-card']);
    expect(selectBeats(15, plain)).toEqual(['hook', 'product', 'benefit', 'end-card']);
    expect(selectBeats(15, withProblem)).toEqual(['hook', 'problem', 'product', 'end-card']);
    expect(selectBeats(20, plain)).toEqual(['hook', 'problem', 'product', 'benefit', 'end-card']);
  });

  it('gives a short ad’s optional beat to the continuous shot when the brief asks for one', () => {
    expect(selectBeats(15, sneaker)).toEqual(['hook', 'product', 'end-card']);
  });
});

describe(buildBeatTimeline.name, () => {
  it('sums exactly to the duration with every scene in bounds for every duration', () => {
    for (const cues of [plain, withProblem, sneaker]) {
      for (let duration = 6; duration <= 120; duration++) {
        const slots = buildBeatTimeline(duration, cues, 'crossfade');
        expect(slots.reduce((sum, s) => sum + s.durationSec, 0)).toBe(duration);
        expect(slots.length).toBeLessThanOrEqual(MAX_SCENES);
        expect(slots.every((s) => s.durationSec >= MIN_SCENE_SEC && s.durationSec <= MAX_SCENE_SEC)).toBe(true);
        expect(slots[0].transitionIn).toBe('cut');
      }
    }
  });

  it('continues the shot inside a split beat and uses the tone’s transition between beats', () => {
    const slots = buildBeatTimeline(60, plain, 'crossfade');

    for (const [i, slot] of slots.entries()) {
      if (i === 0) continue;
      expect(slot.transitionIn).toBe(slot.part > 0 ? 'continuous' : 'crossfade');
    }
    expect(slots.some((s) => s.part > 0)).toBe(true);
  });

  it('splits the continuous beat into a chain and honours the brief’s hard cut', () => {
    const slots = buildBeatTimeline(15, sneaker, 'cut');

    expect(slots.map((s) => [s.beat, s.durationSec, s.transitionIn])).toEqual([
      ['hook', 4, 'cut'],
      ['hook', 4, 'continuous'],
      ['product', 4, 'cut'],
      ['end-card', 3, 'cut'],
    ]);
  });

  it('folds the cues of a beat the ad has no room for into the nearest earlier beat', () => {
    const slots = buildBeatTimeline(6, cuesOf(SAMPLE_BRIEFS.allergy30s), 'crossfade');

    expect(slots.map((s) => s.beat)).toEqual(['hook', 'end-card']);
    expect(slots[0].cues.map((c) => c.beat)).toEqual(['problem', 'benefit']);
  });
});
