import { blendSecFor, chooseBeatTransitions, followsStyle, maxBlendSec } from './scene-transition.builder';
import { TONE_PROFILES } from './tone.profile';

const changes = (...beats: string[]) => beats.map((beat) => ({ beat }));
const STORY = changes('problem', 'product', 'benefit', 'end-card');

describe(chooseBeatTransitions.name, () => {
  it('crossfades a calm or hopeful ad and dips to white into the end card', () => {
    for (const tone of ['calm', 'hopeful'] as const) {
      expect(chooseBeatTransitions(TONE_PROFILES[tone].transitions, STORY, 3)).toEqual([
        'crossfade',
        'crossfade',
        'crossfade',
        'dip-to-white',
      ]);
    }
  });

  it('dips to black into an elegant ad’s reveal and its end card, crossfading the rest', () => {
    expect(chooseBeatTransitions(TONE_PROFILES.elegant.transitions, STORY, 3)).toEqual([
      'crossfade',
      'dip-to-black',
      'crossfade',
      'dip-to-black',
    ]);
  });

  it('crossfades when the brief names no tone', () => {
    expect(chooseBeatTransitions(TONE_PROFILES.neutral.transitions, STORY, 3)).toEqual(Array(4).fill('crossfade'));
  });

  it('cuts an energetic ad with a slide or wipe left at one or two changes, placed by the seed', () => {
    const placements = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      for (const list of [STORY, changes('product', 'end-card'), changes('end-card')]) {
        const chosen = chooseBeatTransitions(TONE_PROFILES.energetic.transitions, list, seed);
        const accents = chosen.filter((t) => t !== 'cut');
        expect(accents.every((t) => t === 'slide-left' || t === 'wipe-left')).toBe(true);
        expect(accents.length).toBe(list.length >= 3 ? 2 : 1);
        if (list === STORY) placements.add(chosen.join());
      }
    }
    expect(placements.size).toBeGreaterThan(2);
  });

  it('slides or wipes into every beat of a playful ad, never the same move twice in a row', () => {
    for (let seed = 0; seed < 40; seed++) {
      const chosen = chooseBeatTransitions(TONE_PROFILES.playful.transitions, STORY, seed);
      expect(chosen.every((t) => /^(?:slide|wipe)-(?:left|right)$/.test(t))).toBe(true);
      expect(chosen.every((t, i) => i === 0 || t !== chosen[i - 1])).toBe(true);
    }
  });

  it('chooses the same transitions for the same seed', () => {
    const style = TONE_PROFILES.energetic.transitions;
    expect(chooseBeatTransitions(style, STORY, 11)).toEqual(chooseBeatTransitions(style, STORY, 11));
  });
});

describe(followsStyle.name, () => {
  it('recognises what a tone could have chosen, for any seed', () => {
    const { calm, energetic, playful } = TONE_PROFILES;
    for (let seed = 0; seed < 10; seed++) {
      for (const { transitions } of [calm, energetic, playful]) {
        expect(followsStyle(transitions, STORY, chooseBeatTransitions(transitions, STORY, seed))).toBe(true);
      }
    }
    expect(followsStyle(calm.transitions, STORY, ['crossfade', 'crossfade', 'crossfade', 'crossfade'])).toBe(false);
    expect(followsStyle(energetic.transitions, STORY, ['cut', 'cut', 'cut', 'cut'])).toBe(false);
    expect(followsStyle(energetic.transitions, STORY, ['wipe-left', 'slide-left', 'cut', 'wipe-left'])).toBe(false);
    expect(followsStyle(playful.transitions, STORY, ['slide-left', 'cut', 'wipe-right', 'slide-right'])).toBe(false);
  });
});

describe(maxBlendSec.name, () => {
  it('allows a third of the shorter scene, rounded down to whole eighths (three frames at 24 fps)', () => {
    expect(maxBlendSec(2, 12)).toBe(0.625);
    expect(maxBlendSec(12, 3)).toBe(1);
    expect(maxBlendSec(5, 4)).toBe(1.25);
  });
});

describe(blendSecFor.name, () => {
  it('uses the tone’s length unless the scenes beside it are too short for it', () => {
    const calm = TONE_PROFILES.calm.transitions;
    expect(blendSecFor(calm, 4, 5)).toBe(0.75);
    expect(blendSecFor(calm, 2, 5)).toBe(0.625);
    expect(blendSecFor(TONE_PROFILES.energetic.transitions, 2, 2)).toBe(0.375);
  });
});
