import { rewriteAspects, rewriteDurations } from './format-mention.editor';

describe(rewriteDurations.name, () => {
  it('restates each mention of the old length in its own shape and leaves other numbers alone', () => {
    expect(rewriteDurations('A 30-second spot: thirty seconds of calm, 10 mg, 15 s intro.', 30, 15)).toEqual({
      text: 'A 15-second spot: 15 seconds of calm, 10 mg, 15 s intro.',
      replaced: ["'30-second' → '15-second'", "'thirty seconds' → '15 seconds'"],
    });
  });
});

describe(rewriteAspects.name, () => {
  it('restates ratio tokens and format words that describe the ad, never platforms', () => {
    expect(
      rewriteAspects('15-second vertical social ad for TikTok, 9:16, a vertical line of trees', '9:16', '16:9').text,
    ).toBe('15-second widescreen social ad for TikTok, 16:9, a vertical line of trees');
  });
});
