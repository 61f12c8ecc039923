// Bound once: this runs per noise sample, and under a vm context (jest) every lookup of the global
// `Math` is an interceptor call, making hot loops tens of times slower.
const imul = Math.imul;

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: tiny, fast and good enough for audio noise and arrangement choices. Math.random is not
 * seedable, and the same (mood, duration, seed) must always give the same bed.
 */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Gives each consumer (hi-hat noise, arp pattern, ...) its own stream, so adding a voice or a random
 * draw in one place does not shift every other voice's randomness.
 */
export function deriveSeed(seed: number, salt: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < salt.length; i++) h = imul(h ^ salt.charCodeAt(i), 0x01000193);
  h ^= imul(normaliseSeed(seed), 0x9e3779b1);
  // murmur3 finaliser: neighbouring seeds must not give neighbouring streams.
  h = imul(h ^ (h >>> 16), 0x85ebca6b);
  h = imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function normaliseSeed(seed: number): number {
  return Number.isFinite(seed) ? Math.trunc(seed) >>> 0 : 0;
}
