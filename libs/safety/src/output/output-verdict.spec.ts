import { assertSafetyRule, decideSafety, type SafetyRule } from './output-verdict';

const rule: SafetyRule = { labels: ['ok', 'nsfw', 'gore'], blockLabels: ['nsfw', 'gore'], threshold: 0.5 };

/** Rows of probabilities to the flat row-major array a model returns. */
const rows = (...r: number[][]) => Float32Array.from(r.flat());
const times = (n: number, fps = 10) => Array.from({ length: n }, (_, i) => i / fps);

describe(decideSafety.name, () => {
  it('allows a clip no frame of which reaches the threshold, reporting the closest label', () => {
    const p = rows([0.9, 0.05, 0.05], [0.6, 0.3, 0.1], [0.7, 0.1, 0.2]);
    expect(decideSafety(p, times(3), rule)).toEqual({
      blocked: false,
      label: 'nsfw',
      score: expect.closeTo(0.3, 5),
      atSec: 0.1,
      frames: 3,
    });
  });

  it('blocks on one frame at the threshold, naming the label and its highest-scoring frame', () => {
    const p = rows([0.9, 0.1, 0], [0.2, 0, 0.8], [0.1, 0, 0.9], [0.5, 0, 0.5]);
    expect(decideSafety(p, times(4), rule)).toEqual({
      blocked: true,
      label: 'gore',
      score: expect.closeTo(0.9, 5),
      atSec: 0.2,
      frames: 4,
    });
  });

  it('tries block labels in the rule’s order', () => {
    const p = rows([0, 0.6, 0.4], [0, 0.1, 0.9]);
    expect(decideSafety(p, times(2), rule)).toMatchObject({ blocked: true, label: 'nsfw' });
  });

  it('refuses probabilities that do not match the frames and labels', () => {
    expect(() => decideSafety(rows([1, 0]), times(1), rule)).toThrow('expected 1x3 probabilities');
  });

  describe('with a burst rule (more than 6 hits within 1 s)', () => {
    const flashRule: SafetyRule = {
      labels: ['ok', 'flash'],
      blockLabels: ['flash'],
      threshold: 0.5,
      burst: { frames: 6, windowSec: 1 },
    };
    /** 30 fps frames, flagged at the given indexes. */
    const flagged = (n: number, hits: number[]) =>
      rows(...times(n).map((_, i) => (hits.includes(i) ? [0, 1] : [1, 0])));

    it('allows exactly 3 flashes a second (6 transitions, every 5th frame)', () => {
      const hits = Array.from({ length: 12 }, (_, i) => i * 5);
      expect(decideSafety(flagged(60, hits), times(60, 30), flashRule)).toMatchObject({ blocked: false, score: 1 });
    });

    it('blocks 7 transitions within a second, from the first of them', () => {
      const hits = [3, 7, 11, 15, 19, 23, 27, 50];
      expect(decideSafety(flagged(60, hits), times(60, 30), flashRule)).toEqual({
        blocked: true,
        label: 'flash',
        score: 1,
        atSec: 0.1,
        frames: 60,
      });
    });

    it('allows the same transitions spread wider than a second', () => {
      const hits = [0, 5, 10, 15, 20, 25, 30];
      expect(decideSafety(flagged(60, hits), times(60, 30), flashRule).blocked).toBe(false);
    });
  });
});

describe(assertSafetyRule.name, () => {
  it('accepts a usable rule', () => {
    expect(() => assertSafetyRule(rule)).not.toThrow();
  });

  it.each([
    [{ labels: [] }, 'needs labels'],
    [{ blockLabels: [] }, 'at least one block label'],
    [{ blockLabels: ['violence'] }, 'not among the labels: violence'],
    [{ threshold: 0 }, 'threshold must be in (0,1]'],
    [{ burst: { frames: 3, windowSec: 0 } }, 'not a burst rule'],
  ])('refuses %j', (change, message) => {
    expect(() => assertSafetyRule({ ...rule, ...change })).toThrow(message);
  });
});
