/**
 * Splits `totalSec` into whole seconds proportional to `weights`, each within [min, max], summing
 * exactly to `totalSec` (largest-remainder rounding, then clamped and rebalanced).
 * Throws when no split can satisfy the bounds.
 */
export function splitDuration(totalSec: number, weights: readonly number[], minSec: number, maxSec: number): number[] {
  const n = weights.length;
  if (!Number.isInteger(totalSec) || n === 0)
    throw new RangeError('total must be a whole number and weights non-empty');
  if (n * minSec > totalSec || n * maxSec < totalSec) {
    throw new RangeError(`cannot split ${totalSec}s into ${n} scenes of ${minSec}-${maxSec}s`);
  }
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / weightSum) * totalSec);
  const parts = exact.map((x) => Math.floor(x));
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; k < totalSec - parts.reduce((a, b) => a + b, 0); k++) parts[byRemainder[k].i] += 1;

  const clamped = parts.map((p) => Math.min(maxSec, Math.max(minSec, p)));
  let diff = totalSec - clamped.reduce((a, b) => a + b, 0);
  // Rebalance one second at a time, preferring the scenes with the most (or least) room.
  while (diff !== 0) {
    const step = diff > 0 ? 1 : -1;
    let best = -1;
    for (let i = 0; i < n; i++) {
      const room = step > 0 ? maxSec - clamped[i] : clamped[i] - minSec;
      if (room > 0 && (best < 0 || room > (step > 0 ? maxSec - clamped[best] : clamped[best] - minSec))) best = i;
    }
    clamped[best] += step;
    diff -= step;
  }
  return clamped;
}
