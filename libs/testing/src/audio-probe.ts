import { midiToHz } from '@app/generation';
import { type RenderedAudio } from '@app/generation';

// Signal probes for the specs: they judge the rendered audio itself, not the plan it came from.

// Bound once: a global lookup per sample is slow inside jest's vm context.
const { abs } = Math;
const { isFinite } = Number;

export function mono(audio: RenderedAudio): Float32Array {
  const out = new Float32Array(audio.left.length);
  for (let i = 0; i < out.length; i++) out[i] = 0.5 * (audio.left[i] + audio.right[i]);
  return out;
}

export function peakAndRms(audio: RenderedAudio): { peak: number; rms: number; nonFinite: number } {
  let peak = 0;
  let sum = 0;
  let nonFinite = 0;
  for (const channel of [audio.left, audio.right]) {
    for (const sample of channel) {
      if (!isFinite(sample)) nonFinite++;
      if (abs(sample) > peak) peak = abs(sample);
      sum += sample * sample;
    }
  }
  return { peak, rms: Math.sqrt(sum / (2 * audio.left.length)), nonFinite };
}

/** Power of one frequency in `frame` (Goertzel: a single DFT bin at an arbitrary frequency). */
export function goertzelPower(frame: Float32Array, hz: number, sampleRate: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < frame.length; i++) {
    const s0 = frame[i] + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

/**
 * Energy per pitch class (index 0 = C) between startSec and endSec, summed over the three octaves of
 * equal-tempered notes from G3 (196 Hz): above the kick's pitch sweep, whose broadband low end would
 * otherwise favour whichever pitch classes sit lowest. Hann-windowed frames of 16384 samples (~0.34 s)
 * resolve a semitone there while tolerating the pad's few cents of detune.
 */
export function chroma(signal: Float32Array, sampleRate: number, startSec: number, endSec: number): number[] {
  const frameLength = 16384;
  const window = Float32Array.from(
    { length: frameLength },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / frameLength),
  );
  const frame = new Float32Array(frameLength);
  const energy = new Array<number>(12).fill(0);
  const end = Math.round(endSec * sampleRate);
  for (let start = Math.round(startSec * sampleRate); start + frameLength <= end; start += frameLength / 2) {
    for (let i = 0; i < frameLength; i++) frame[i] = signal[start + i] * window[i];
    for (let midi = 55; midi < 91; midi++) energy[midi % 12] += goertzelPower(frame, midiToHz(midi), sampleRate);
  }
  return energy;
}

/** Pitch classes ordered by energy, strongest first. */
export function strongestPitchClasses(energy: readonly number[], count: number): number[] {
  return energy
    .map((value, pitchClass) => ({ value, pitchClass }))
    .sort((a, b) => b.value - a.value)
    .slice(0, count)
    .map((entry) => entry.pitchClass);
}

/**
 * Onset strength of the low band, one value per 5 ms: low-pass below ~100 Hz (where the kick lives and
 * hats, claps and most bass harmonics do not), take an RMS envelope over 40 ms (two periods of the
 * kick's tail, which also smooths kick/bass beating), and keep each rise over 20 ms.
 */
export function lowBandOnsetStrength(signal: Float32Array, sampleRate: number): number[] {
  const a = 1 - Math.exp((-2 * Math.PI * 100) / sampleRate);
  const low = new Float32Array(signal.length);
  let y1 = 0;
  let y2 = 0;
  let y3 = 0;
  for (let i = 0; i < signal.length; i++) {
    y1 += a * (signal[i] - y1);
    y2 += a * (y1 - y2);
    y3 += a * (y2 - y3);
    low[i] = y3;
  }
  const hop = Math.round(ONSET_HOP_SEC * sampleRate);
  const window = 8 * hop;
  const envelope: number[] = [];
  for (let start = 0; start + window <= low.length; start += hop) {
    let sum = 0;
    for (let i = start; i < start + window; i++) sum += low[i] * low[i];
    envelope.push(Math.sqrt(sum / window));
  }
  return envelope.map((value, k) => (k < 4 ? 0 : Math.max(0, value - envelope[k - 4])));
}

export const ONSET_HOP_SEC = 0.005;

/** Times (s) of the onset-strength peaks that reach half the strongest, at most one per 100 ms. */
export function pickOnsets(strength: readonly number[]): number[] {
  const threshold = 0.5 * Math.max(...strength);
  const onsets: number[] = [];
  let last = -Infinity;
  for (let k = 1; k < strength.length - 1; k++) {
    const isPeak = strength[k] >= threshold && strength[k] >= strength[k - 1] && strength[k] >= strength[k + 1];
    if (isPeak && (k - last) * ONSET_HOP_SEC >= 0.1) {
      onsets.push(k * ONSET_HOP_SEC);
      last = k;
    }
  }
  return onsets;
}

/**
 * The lag (s) between minLagSec and maxLagSec where the onset strength best matches a shifted copy of
 * itself: the period of the strongest regular pulse, however many other onsets there are.
 */
export function dominantPeriod(strength: readonly number[], minLagSec: number, maxLagSec: number): number {
  let bestLag = 0;
  let bestScore = -Infinity;
  for (let lag = Math.round(minLagSec / ONSET_HOP_SEC); lag <= Math.round(maxLagSec / ONSET_HOP_SEC); lag++) {
    let score = 0;
    for (let k = lag; k < strength.length; k++) score += strength[k] * strength[k - lag];
    score /= strength.length - lag;
    if (score > bestScore) {
      bestScore = score;
      bestLag = lag;
    }
  }
  return bestLag * ONSET_HOP_SEC;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle]);
}
