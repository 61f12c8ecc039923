import { briefSchema, MAX_SCENE_SEC, MAX_SCENES, MIN_SCENE_SEC, type BriefInput } from '@app/domain';
import { buildBeatTimeline, selectBeats } from './beat-timeline.builder';
import { readBriefCues } from './brief-cues.parser';
import { SAMPLE_BRIEFS } from './sample-briefs.fixture';
import { TONE_PROFILES } from './tone.profile';

const cuesOf = (input: BriefInput) => readBriefCues(briefSchema.parse(input));
const plain = cuesOf({ brief: 'An ad for a new kind of umbrella.' });
const withProblem = cuesOf({ brief: 'Open on a commuter soaked and frustrated by rain.' });
const sneaker = cuesOf(SAMPLE_BRIEFS.sneaker15sVertical);
const { calm, energetic, neutral } = TONE_PROFILES;

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
        const slots = buildBeatTimeline(duration, cues, neutral.transitions, duration);
        expect(slots.reduce((sum, s) => sum + s.durationSec, 0)).toBe(duration);
        expect(slots.length).toBeLessThanOrEqual(MAX_SCENES);
        expect(slots.every((s) => s.durationSec >= MIN_SCENE_SEC && s.durationSec <= MAX_SCENE_SEC)).toBe(true);
        expect(slots[0].transitionIn).toBe('cut');
        expect(slots[0].transitionSec).toBeUndefined();
      }
    }
  });

  it('continues the shot inside a split beat and uses the tone’s transitions between beats', () => {
    const slots = buildBeatTimeline(60, plain, calm.transitions, 0);

    for (const [i, slot] of slots.entries()) {
      if (i === 0) continue;
      const between = slot.beat === 'end-card' ? 'dip-to-white' : 'crossfade';
      expect(slot.transitionIn).toBe(slot.part > 0 ? 'continuous' : between);
      expect(slot.transitionSec).toBe(slot.part > 0 ? undefined : 0.75);
    }
    expect(slots.some((s) => s.part > 0)).toBe(true);
  });

  it('gives every blend a length within a third of the scenes on either side', () => {
    for (const style of [calm, energetic, neutral].map((t) => t.transitions)) {
      for (const cues of [plain, withProblem, sneaker]) {
        for (let duration = 6; duration <= 120; duration++) {
          const slots = buildBeatTimeline(duration, cues, style, duration);
          slots.forEach((slot, i) => {
            if (slot.transitionSec === undefined) return;
            expect(slot.transitionSec).toBeGreaterThanOrEqual(0.3);
            expect(slot.transitionSec).toBeLessThanOrEqual(0.8);
            expect(slot.transitionSec * 3).toBeLessThanOrEqual(Math.min(slot.durationSec, slots[i - 1].durationSec));
          });
        }
      }
    }
  });

  it('splits the continuous beat into a chain and honours the brief’s hard cut', () => {
    const slots = buildBeatTimeline(15, sneaker, energetic.transitions, 42);

    expect(slots.map((s) => [s.beat, s.durationSec, s.transitionIn])).toEqual([
      ['hook', 4, 'cut'],
      ['hook', 4, 'continuous'],
      ['product', 4, 'cut'],
      ['end-card', 3, expect.stringMatching(/^(?:slide|wipe)-left$/)],
    ]);
  });

  it('honours a fade to black the brief asks for, whatever the tone', () => {
    const cues = cuesOf({ brief: 'Open on a lighthouse in a storm. Fade to black. The logo on a calm sea.' });
    const slots = buildBeatTimeline(20, cues, energetic.transitions, 0);

    expect(slots.find((s) => s.part === 0 && s.beat === 'problem')).toMatchObject({
      transitionIn: 'dip-to-black',
      transitionSec: 0.375,
    });
  });

  it('folds the cues of a beat the ad has no room for into the nearest earlier beat', () => {
    const slots = buildBeatTimeline(6, cuesOf(SAMPLE_BRIEFS.allergy30s), calm.transitions, 7);

    expect(slots.map((s) => s.beat)).toEqual(['hook', 'end-card']);
    expect(slots[0].cues.map((c) => c.beat)).toEqual(['problem', 'benefit']);
  });
});
