/** Smoothing coefficient of a one-pole low-pass: y += a * (x - y). */
export function onePoleCoefficient(cutoffHz: number, sampleRate: number): number {
  return 1 - Math.exp((-2 * Math.PI * Math.min(cutoffHz, sampleRate * 0.45)) / sampleRate);
}

/** Cascaded one-pole low-pass, in place: 6 dB/octave per pole, cheap and never unstable. */
export function lowPassInPlace(buffer: Float32Array, cutoffHz: number, sampleRate: number, poles = 1): void {
  const a = onePoleCoefficient(cutoffHz, sampleRate);
  for (let pole = 0; pole < poles; pole++) {
    let y = 0;
    for (let i = 0; i < buffer.length; i++) {
      y += a * (buffer[i] - y);
      buffer[i] = y;
    }
  }
}

/**
 * Sawtooth in [-1, 1] at `phase` in [0, 1) advancing `dt` cycles per sample. The polyBLEP correction
 * rounds off the jump so upper harmonics do not fold back as inharmonic whine.
 */
export function polyBlepSaw(phase: number, dt: number): number {
  let value = 2 * phase - 1;
  if (phase < dt) {
    const x = phase / dt;
    value -= x + x - x * x - 1;
  } else if (phase > 1 - dt) {
    const x = (phase - 1) / dt;
    value -= x * x + x + x + 1;
  }
  return value;
}

/** Triangle in [-1, 1]; its harmonics fall as 1/n^2, so it needs no anti-aliasing at these pitches. */
export function triangleWave(phase: number): number {
  return phase < 0.5 ? 1 - 4 * phase : 4 * phase - 3;
}

/** Equal-power pan law: a centred voice is not 3 dB louder than a hard-panned one. */
export function panGains(pan: number): [number, number] {
  const angle = ((Math.max(-1, Math.min(1, pan)) + 1) * Math.PI) / 4;
  return [Math.cos(angle), Math.sin(angle)];
}

/** Per-sample multiplier that makes a level decay to 1/e after `timeConstantSec`. */
export function decayFactor(timeConstantSec: number, sampleRate: number): number {
  return Math.exp(-1 / (timeConstantSec * sampleRate));
}
