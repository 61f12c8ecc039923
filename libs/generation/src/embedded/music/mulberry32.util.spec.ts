import { deriveSeed, mulberry32 } from './mulberry32.util';

describe(mulberry32.name, () => {
  it('repeats its sequence for a seed and stays within [0, 1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });
});

describe(deriveSeed.name, () => {
  it('gives different streams for different salts and neighbouring seeds', () => {
    const seeds = new Set([deriveSeed(1, 'pad'), deriveSeed(1, 'drums'), deriveSeed(2, 'pad'), deriveSeed(-1, 'pad')]);
    expect(seeds.size).toBe(4);
    expect(deriveSeed(Number.NaN, 'pad')).toBe(deriveSeed(0, 'pad'));
  });
});
