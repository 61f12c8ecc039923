import { type DrumHit } from './arrangement.builder';
import { decayFactor, onePoleCoefficient, panGains } from './dsp.util';
import { type Rng } from './mulberry32.util';
import { type StereoBus } from './synth.voices';

// Bound once for the per-sample loops: a global `Math` lookup is slow inside vm contexts (jest).
const { sin, tanh } = Math;
const TWO_PI = 2 * Math.PI;

export interface DrumKit {
  sampleRate: number;
  /** Where the kick's pitch settles; tuned to the key so its tail does not fight the bass. */
  kickTailHz: number;
  /** The seeded stream, so two renders of a seed are identical. */
  noise: Rng;
}

export function addDrumHit(bus: StereoBus, kit: DrumKit, hit: DrumHit): void {
  const { sampleRate, noise } = kit;
  const start = Math.round(hit.startSec * sampleRate);
  switch (hit.kind) {
    case 'kick':
      return addKick(bus, kickTemplate(sampleRate, kit.kickTailHz), start, hit.velocity);
    case 'snare':
      return addSnare(bus, sampleRate, start, hit.velocity, noise);
    case 'clap':
      return addClap(bus, sampleRate, start, hit.velocity, noise);
    case 'hat':
      return addHat(bus, sampleRate, start, hit.velocity, noise, 0.022);
    case 'openHat':
      return addHat(bus, sampleRate, start, hit.velocity, noise, 0.07);
  }
}

/**
 * Kick: a sine whose pitch falls exponentially from ~120 Hz above its tail (the "thump" is the sweep,
 * not the tail), exponential amplitude decay, and a gentle soft clip that adds a few harmonics so it
 * reads on laptops without smearing across the chord tones. It has no noise, so every kick is the same
 * waveform: render it once per sample rate and tuning, then scale it.
 */
function kickTemplate(sampleRate: number, tailHz: number): Float32Array {
  const key = `${sampleRate}:${tailHz}`;
  const cached = kickCache.get(key);
  if (cached) return cached;
  const template = new Float32Array(Math.round(0.36 * sampleRate));
  const attack = Math.round(0.001 * sampleRate);
  const ampStep = decayFactor(0.11, sampleRate);
  const pitchStep = decayFactor(0.032, sampleRate);
  let amp = 1;
  let sweep = 1;
  let phase = 0;
  for (let t = 0; t < template.length; t++) {
    phase += (tailHz + 120 * sweep) / sampleRate;
    sweep *= pitchStep;
    const env = t < attack ? (amp * t) / attack : amp;
    template[t] = tanh(1.2 * sin(TWO_PI * phase)) * env;
    amp *= ampStep;
  }
  kickCache.set(key, template);
  return template;
}

const kickCache = new Map<string, Float32Array>();

function addKick(bus: StereoBus, template: Float32Array, start: number, velocity: number): void {
  const end = Math.min(bus.left.length, start + template.length);
  for (let i = Math.max(0, start); i < end; i++) {
    const value = template[i - start] * velocity;
    bus.left[i] += value;
    bus.right[i] += value;
  }
}

/** Band-passed noise: the high-pass takes out rumble, the low-pass the fizz. */
class NoiseBand {
  private low = 0;
  private lowOfHigh = 0;
  private readonly highCoefficient: number;
  private readonly lowCoefficient: number;

  constructor(sampleRate: number, lowCutHz: number, highCutHz: number) {
    this.highCoefficient = onePoleCoefficient(lowCutHz, sampleRate);
    this.lowCoefficient = onePoleCoefficient(highCutHz, sampleRate);
  }

  next(white: number): number {
    this.lowOfHigh += this.highCoefficient * (white - this.lowOfHigh);
    const high = white - this.lowOfHigh;
    this.low += this.lowCoefficient * (high - this.low);
    return this.low;
  }
}

/** Soft snare: a short 185 Hz body under a band of noise, for 'soft' grooves. */
function addSnare(bus: StereoBus, sampleRate: number, start: number, velocity: number, noise: Rng): void {
  const end = Math.min(bus.left.length, start + Math.round(0.3 * sampleRate));
  const band = new NoiseBand(sampleRate, 900, 6000);
  const bodyStep = decayFactor(0.04, sampleRate);
  const noiseStep = decayFactor(0.075, sampleRate);
  let body = 0.45 * velocity;
  let hiss = velocity;
  for (let i = start; i < end; i++) {
    const t = (i - start) / sampleRate;
    const value = body * sin(TWO_PI * 185 * t) + hiss * band.next(2 * noise() - 1) * 1.3;
    body *= bodyStep;
    hiss *= noiseStep;
    bus.left[i] += value * 0.55;
    bus.right[i] += value * 0.55;
  }
}

/** Clap: three noise bursts 11 ms apart (several hands) and then a longer tail, slightly wide. */
function addClap(bus: StereoBus, sampleRate: number, start: number, velocity: number, noise: Rng): void {
  const end = Math.min(bus.left.length, start + Math.round(0.35 * sampleRate));
  const bandL = new NoiseBand(sampleRate, 1000, 4500);
  const bandR = new NoiseBand(sampleRate, 1000, 4500);
  const burst = Math.round(0.011 * sampleRate);
  const burstStep = decayFactor(0.005, sampleRate);
  const tailStep = decayFactor(0.11, sampleRate);
  let level = 0;
  let tail = 0;
  for (let i = start; i < end; i++) {
    const t = i - start;
    if (t < 3 * burst && t % burst === 0) level = velocity;
    if (t === 3 * burst) tail = velocity * 0.8;
    const env = level + tail;
    level *= burstStep;
    tail *= tailStep;
    const shared = 2 * noise() - 1;
    const own = 2 * noise() - 1;
    bus.left[i] += bandL.next(0.75 * shared + 0.25 * own) * env * 1.6;
    bus.right[i] += bandR.next(0.75 * shared - 0.25 * own) * env * 1.6;
  }
}

/** Hi-hat: twice high-passed noise, right of centre; `decaySec` makes it closed or open. */
function addHat(
  bus: StereoBus,
  sampleRate: number,
  start: number,
  velocity: number,
  noise: Rng,
  decaySec: number,
): void {
  const end = Math.min(bus.left.length, start + Math.round(decaySec * 5 * sampleRate));
  const a = onePoleCoefficient(7000, sampleRate);
  const step = decayFactor(decaySec, sampleRate);
  const [gainL, gainR] = panGains(0.3);
  let low1 = 0;
  let low2 = 0;
  let amp = velocity * 1.4;
  for (let i = start; i < end; i++) {
    const white = 2 * noise() - 1;
    low1 += a * (white - low1);
    const high1 = white - low1;
    low2 += a * (high1 - low2);
    const value = (high1 - low2) * amp;
    amp *= step;
    bus.left[i] += value * gainL;
    bus.right[i] += value * gainR;
  }
}
