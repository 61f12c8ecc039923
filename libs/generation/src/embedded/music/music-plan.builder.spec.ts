import { planMusic } from './music-plan.builder';
import { chordPitchClasses, parseKey } from './music-theory.util';

const SEEDS = Array.from({ length: 24 }, (_, i) => i);

describe(planMusic.name, () => {
  it('plans a major, mid-tempo bed with soft drums and an arp when the mood is uplifting acoustic', () => {
    for (const seed of SEEDS) {
      const plan = planMusic('uplifting acoustic', seed);
      expect(plan.mode).toBe('major');
      expect(plan.tempoBpm).toBeGreaterThanOrEqual(96);
      expect(plan.tempoBpm).toBeLessThanOrEqual(110);
      expect(plan.instruments).toMatchObject({ arp: true, drums: 'soft' });
    }
  });

  it('plans a faster minor bed with full drums and bass when the mood is driving electronic', () => {
    for (const seed of SEEDS) {
      const driving = planMusic('driving electronic', seed);
      expect(driving.mode).toBe('minor');
      expect(driving.tempoBpm).toBeGreaterThanOrEqual(124);
      expect(driving.tempoBpm).toBeLessThanOrEqual(128);
      expect(driving.tempoBpm).toBeGreaterThan(planMusic('uplifting acoustic', seed).tempoBpm);
      expect(driving.instruments).toMatchObject({ bass: true, drums: 'full' });
    }
  });

  it.each(['calm', 'hopeful', 'ambient', 'Calm, hopeful ambient'])(
    'plans a slow major pad without drums for %p',
    (mood) => {
      const plan = planMusic(mood, 5);
      expect(plan).toMatchObject({ mode: 'major', instruments: { pad: true, drums: 'none' } });
      expect(plan.tempoBpm).toBeLessThan(90);
    },
  );

  it.each(['dramatic', 'tense', 'dark', 'sad and nostalgic'])('plans a minor bed for %p', (mood) => {
    expect(planMusic(mood, 5).mode).toBe('minor');
  });

  it.each(['playful', 'happy', 'fun and quirky'])('plans a bouncy, swung major bed for %p', (mood) => {
    const plan = planMusic(mood, 5);
    expect(plan.mode).toBe('major');
    expect(plan.tempoBpm).toBeGreaterThanOrEqual(110);
    expect(plan.swing).toBeGreaterThan(0);
  });

  it('falls back to a pleasant major bed with every part when no keyword is known', () => {
    const plan = planMusic('', 1);
    expect(plan).toMatchObject({ mode: 'major', instruments: { pad: true, bass: true, arp: true, drums: 'soft' } });
    expect(planMusic('zorblax 3000', 1)).toEqual({ ...plan, mood: 'zorblax 3000' });
  });

  it('lets the majority of keywords decide when a mood mixes profiles', () => {
    expect(planMusic('dark driving electronic', 1).instruments.drums).toBe('full');
    expect(planMusic('calm but dark, tense', 1).mode).toBe('minor');
  });

  it('returns the same plan for the same mood and seed', () => {
    expect(planMusic('uplifting acoustic', 42)).toEqual(planMusic('uplifting acoustic', 42));
  });

  it('varies key and progression across seeds while keeping the character', () => {
    const plans = SEEDS.map((seed) => planMusic('uplifting acoustic', seed));
    expect(new Set(plans.map((plan) => plan.key)).size).toBeGreaterThan(2);
    expect(new Set(plans.map((plan) => plan.progression.join('-'))).size).toBeGreaterThan(2);
  });

  it('keeps key, root and mode consistent and every chord parseable', () => {
    for (const mood of ['uplifting', 'driving', 'calm', 'dark', 'playful', 'sad', 'energetic', 'corporate']) {
      for (const seed of SEEDS) {
        const plan = planMusic(mood, seed);
        const key = parseKey(plan.key);
        expect(key.mode).toBe(plan.mode);
        expect(plan.rootMidi % 12).toBe(key.pitchClass);
        expect(plan.progression).toHaveLength(4);
        // The progression starts on or returns to the tonic chord, so the key is audible.
        const tonicIndexes = plan.progression.map((_, i) => chordPitchClasses(plan, i)[0]);
        expect(tonicIndexes).toContain(key.pitchClass);
      }
    }
  });
});
