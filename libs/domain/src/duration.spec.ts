import { splitDuration } from './duration';

describe(splitDuration.name, () => {
  it('splits proportionally into whole seconds that sum exactly', () => {
    expect(splitDuration(30, [1, 1, 2, 1, 1], 2, 12)).toEqual([5, 5, 10, 5, 5]);
    expect(splitDuration(7, [1, 1], 2, 12).reduce((a, b) => a + b)).toBe(7);
  });

  it('keeps every part within bounds, rebalancing what clamping took', () => {
    const parts = splitDuration(20, [10, 1, 1], 3, 8);
    expect(parts.reduce((a, b) => a + b)).toBe(20);
    parts.forEach((p) => expect(p).toBeGreaterThanOrEqual(3));
    parts.forEach((p) => expect(p).toBeLessThanOrEqual(8));
  });

  it('sums exactly for every total and scene count it accepts', () => {
    for (let total = 6; total <= 120; total++) {
      for (let n = Math.ceil(total / 12); n <= Math.min(20, Math.floor(total / 2)); n++) {
        const weights = Array.from({ length: n }, (_, i) => 1 + ((i * 7) % 3));
        const parts = splitDuration(total, weights, 2, 12);
        expect(parts.reduce((a, b) => a + b)).toBe(total);
        expect(Math.min(...parts)).toBeGreaterThanOrEqual(2);
        expect(Math.max(...parts)).toBeLessThanOrEqual(12);
      }
    }
  });

  it('refuses a split the bounds make impossible', () => {
    expect(() => splitDuration(5, [1, 1, 1], 2, 12)).toThrow(RangeError);
    expect(() => splitDuration(30, [1, 1], 2, 12)).toThrow(RangeError);
  });
});
