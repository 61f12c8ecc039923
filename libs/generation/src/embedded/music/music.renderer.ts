import { arrangeMusic, type DrumHit } from './arrangement.builder';
import { addDrumHit } from './drum.voices';
import { onePoleCoefficient, lowPassInPlace } from './dsp.util';
import { addRoomReverb, pingPongEchoInPlace } from './effects.util';
import { deriveSeed, mulberry32 } from './mulberry32.util';
import { chordAt, midiToHz } from './music-theory.util';
import { type MusicPlan, type RenderedAudio } from './music-plan.types';
import { addBassNote, addPadNote, addPluck, type StereoBus } from './synth.voices';

// Bound once for per-sample loops: a global `Math` lookup is slow inside vm contexts (jest).
const { cos, sin, PI } = Math;

const TARGET_PEAK = Math.pow(10, -3 / 20);
const FADE_IN_SEC = 0.3;
const FADE_OUT_SEC = 1.5;

/**
 * Renders the plan offline to stereo float PCM of exactly round(durationSec * sampleRate) samples,
 * faded in and out and peak-normalised to -3 dBFS. Deterministic for (plan, durationSec, seed).
 */
export function renderMusic(plan: MusicPlan, durationSec: number, seed: number, sampleRate = 48000): RenderedAudio {
  assertRenderable(plan, durationSec, sampleRate);
  const length = Math.round(durationSec * sampleRate);
  // Drums are written straight into the output buffers; everything else is mixed on top.
  const out: StereoBus = { left: new Float32Array(length), right: new Float32Array(length) };
  if (length === 0) return { sampleRate, ...out };

  const arrangement = arrangeMusic(plan, durationSec, seed);
  const streams = (salt: string) => mulberry32(deriveSeed(seed, salt));

  const pad = stereoBus(length);
  const padPhases = streams('pad');
  const padAttackSec = Math.min(0.6, arrangement.barSec * 0.2);
  for (const note of arrangement.pad) addPadNote(pad, sampleRate, note, padAttackSec, 0.45, padPhases);
  sweepLowPass(pad, sampleRate, plan.mode === 'minor' ? 1100 : 1600, arrangement.barSec * 2, streams('sweep')());

  const bass = new Float32Array(length);
  for (const note of arrangement.bass) addBassNote(bass, sampleRate, note);
  lowPassInPlace(bass, 700, sampleRate, 2);

  const arp = stereoBus(length);
  for (const note of arrangement.arp) addPluck(arp, sampleRate, note);
  if (arrangement.arp.length > 0) {
    pingPongEchoInPlace(arp, Math.round(arrangement.beatSec * 0.75 * sampleRate), 0.35, 0.3);
  }

  const kit = { sampleRate, kickTailHz: kickTailHz(plan), noise: streams('drums') };
  for (const hit of arrangement.drums) addDrumHit(out, kit, hit);

  mix(out, { pad, bass, arp }, sidechainStarts(plan, arrangement.drums, sampleRate), sampleRate);
  applyFades(out, sampleRate);
  normalise(out);
  return { sampleRate, ...out };
}

function assertRenderable(plan: MusicPlan, durationSec: number, sampleRate: number): void {
  if (!Number.isFinite(durationSec) || durationSec < 0) throw new RangeError(`bad duration ${durationSec}`);
  if (!Number.isInteger(sampleRate) || sampleRate < 8000) throw new RangeError(`bad sample rate ${sampleRate}`);
  if (!Number.isFinite(plan.tempoBpm) || plan.tempoBpm < 20 || plan.tempoBpm > 300) {
    throw new RangeError(`bad tempo ${plan.tempoBpm}`);
  }
  if (plan.progression.length === 0) throw new RangeError('progression is empty');
  // Parses every symbol up front so a typo fails before any work, not halfway through a render.
  plan.progression.forEach((_, i) => chordAt(plan, i));
}

/** The tonic between E1 and D#2 (41-78 Hz): low enough to thump, in key with the bass. */
function kickTailHz(plan: MusicPlan): number {
  const lowest = 28;
  return midiToHz(lowest + ((((plan.rootMidi - lowest) % 12) + 12) % 12));
}

function stereoBus(length: number): StereoBus {
  return { left: new Float32Array(length), right: new Float32Array(length) };
}

/**
 * Two-pole low-pass whose cutoff drifts +-35% over `periodSec`, so the pad breathes instead of
 * sitting static. The coefficient is recomputed every 64 samples: slower than audio, faster than ears.
 */
function sweepLowPass(bus: StereoBus, sampleRate: number, cutoffHz: number, periodSec: number, phase: number): void {
  const states = [0, 0, 0, 0];
  let a = 0;
  for (let i = 0; i < bus.left.length; i++) {
    if ((i & 63) === 0) {
      const lfo = sin(2 * PI * (i / sampleRate / periodSec + phase));
      a = onePoleCoefficient(cutoffHz * (1 + 0.35 * lfo), sampleRate);
    }
    states[0] += a * (bus.left[i] - states[0]);
    states[1] += a * (states[0] - states[1]);
    states[2] += a * (bus.right[i] - states[2]);
    states[3] += a * (states[2] - states[3]);
    bus.left[i] = states[1];
    bus.right[i] = states[3];
  }
}

/**
 * Sample indexes where the tonal parts duck under the kick: the "pumping" of a four-on-the-floor
 * groove. Softer grooves would only sound wobbly with it, so they get none.
 */
function sidechainStarts(plan: MusicPlan, drums: readonly DrumHit[], sampleRate: number): number[] {
  if (plan.instruments.drums !== 'full') return [];
  return drums.filter((hit) => hit.kind === 'kick').map((hit) => Math.round(hit.startSec * sampleRate));
}

function mix(
  out: StereoBus,
  parts: { pad: StereoBus; bass: Float32Array; arp: StereoBus },
  duckAt: readonly number[],
  sampleRate: number,
): void {
  const send = new Float32Array(out.left.length);
  const duckStep = Math.exp(-1 / (0.11 * sampleRate));
  let duck = 0;
  let nextDuck = 0;
  for (let i = 0; i < out.left.length; i++) {
    if (nextDuck < duckAt.length && duckAt[nextDuck] === i) {
      duck = 0.45;
      nextDuck++;
    }
    const keep = 1 - duck;
    // The bass ducks deeper: kick and bass share the octave below 100 Hz, and overlapping they beat.
    const bassKeep = 1 - 1.6 * duck;
    duck *= duckStep;
    const tonalL = parts.pad.left[i] + parts.arp.left[i];
    const tonalR = parts.pad.right[i] + parts.arp.right[i];
    // Drums get a little room too, but much less than the tonal parts or the groove turns to mush.
    send[i] = 0.5 * (tonalL + tonalR) + 0.15 * (out.left[i] + out.right[i]);
    const bass = parts.bass[i] * bassKeep;
    out.left[i] += tonalL * keep + bass;
    out.right[i] += tonalR * keep + bass;
  }
  addRoomReverb(send, out, sampleRate, 0.35);
}

/** Raised-cosine fades; the fade-out reaches exactly zero on the last sample so the bed ends cleanly. */
function applyFades(bus: StereoBus, sampleRate: number): void {
  const length = bus.left.length;
  const fadeIn = Math.min(Math.round(FADE_IN_SEC * sampleRate), Math.floor(length * 0.15));
  const fadeOut = Math.min(Math.round(FADE_OUT_SEC * sampleRate), Math.floor(length * 0.4));
  for (let i = 0; i < fadeIn; i++) {
    const gain = 0.5 - 0.5 * cos((PI * i) / fadeIn);
    bus.left[i] *= gain;
    bus.right[i] *= gain;
  }
  for (let k = 0; k < fadeOut; k++) {
    const i = length - 1 - k;
    const gain = 0.5 - 0.5 * cos((PI * k) / fadeOut);
    bus.left[i] *= gain;
    bus.right[i] *= gain;
  }
}

function normalise(bus: StereoBus): void {
  let peak = 0;
  for (let i = 0; i < bus.left.length; i++) {
    // Comparisons rather than Math.max/abs: see the note on global lookups in mulberry32.util.ts.
    const left = bus.left[i] < 0 ? -bus.left[i] : bus.left[i];
    const right = bus.right[i] < 0 ? -bus.right[i] : bus.right[i];
    if (left > peak) peak = left;
    if (right > peak) peak = right;
  }
  if (peak === 0) return;
  const gain = TARGET_PEAK / peak;
  for (let i = 0; i < bus.left.length; i++) {
    bus.left[i] *= gain;
    bus.right[i] *= gain;
  }
}
