import { colourDistance, type ColourStats, yuv444pStats } from './colour-match.stats';

/** A yuv444p frame whose three planes hold the given samples, repeated to fill `n` pixels. */
function frame(n: number, y: number[], u: number[], v: number[]): Uint8Array {
  const fill = (values: number[]) => Array.from({ length: n }, (_, i) => values[i % values.length]);
  return Uint8Array.from([...fill(y), ...fill(u), ...fill(v)]);
}

const stats = (y: [number, number], u: [number, number], v: [number, number]): ColourStats => ({
  y: { mean: y[0], std: y[1] },
  u: { mean: u[0], std: u[1] },
  v: { mean: v[0], std: v[1] },
});

describe(yuv444pStats.name, () => {
  it('reads each plane in order and gives its mean and population deviation', () => {
    expect(yuv444pStats(frame(4, [10, 20, 30, 40], [128], [100, 140]), 2, 2)).toEqual({
      y: { mean: 25, std: Math.sqrt(125) },
      u: { mean: 128, std: 0 },
      v: { mean: 120, std: 20 },
    });
  });

  it('stays exact over a full-range plane', () => {
    const ramp = Array.from({ length: 256 }, (_, i) => i);
    const { y } = yuv444pStats(frame(256, ramp, [0], [255]), 16, 16);
    expect(y.mean).toBe(127.5);
    expect(y.std).toBeCloseTo(Math.sqrt((256 * 256 - 1) / 12), 10);
  });

  it('refuses a buffer that is not one frame of that size', () => {
    expect(() => yuv444pStats(new Uint8Array(11), 2, 2)).toThrow(RangeError);
    expect(() => yuv444pStats(new Uint8Array(0), 0, 0)).toThrow(RangeError);
  });
});

describe(colourDistance.name, () => {
  const a = stats([100, 40], [128, 10], [128, 10]);

  it('is zero for equal stats and symmetric', () => {
    const b = stats([103, 44], [128, 10], [128, 10]);
    expect(colourDistance(a, a)).toBe(0);
    expect(colourDistance(a, b)).toBe(colourDistance(b, a));
  });

  it('is the root sum of squares of the mean and deviation differences', () => {
    expect(colourDistance(a, stats([103, 44], [128, 10], [128, 10]))).toBe(5);
    expect(colourDistance(a, stats([100, 40], [126, 10], [129, 12]))).toBe(3);
  });
});
