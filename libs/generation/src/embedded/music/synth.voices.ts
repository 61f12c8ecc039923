import { type NoteEvent } from './arrangement.builder';
import { decayFactor, panGains, polyBlepSaw, triangleWave } from './dsp.util';
import { type Rng } from './mulberry32.util';
import { midiToHz } from './music-theory.util';

export interface StereoBus {
  left: Float32Array;
  right: Float32Array;
}

/** Sample span of an event clipped to the bus: a note may start in the last bar and ring past the end. */
function span(note: NoteEvent, releaseSec: number, sampleRate: number, length: number) {
  const start = Math.round(note.startSec * sampleRate);
  const gate = Math.max(1, Math.round(note.durationSec * sampleRate));
  const release = Math.max(1, Math.round(releaseSec * sampleRate));
  return { start, gate, release, end: Math.min(length, start + gate + release) };
}

const PAD_DETUNE_CENTS = 9;

/**
 * A supersaw-style pad note: saws detuned down (left) and up (right) beat slowly against a centred
 * saw and an in-tune triangle, which is what makes it a chorus rather than a beep. Random start phases
 * stop the detuned saws from starting phase-locked (a flanged "zip" on every chord).
 */
export function addPadNote(
  bus: StereoBus,
  sampleRate: number,
  note: NoteEvent,
  attackSec: number,
  releaseSec: number,
  rng: Rng,
): void {
  const { start, gate, release, end } = span(note, releaseSec, sampleRate, bus.left.length);
  const attack = Math.max(1, Math.min(gate, Math.round(attackSec * sampleRate)));
  const hz = midiToHz(note.midi);
  const spread = Math.pow(2, PAD_DETUNE_CENTS / 1200);
  const dtLow = hz / spread / sampleRate;
  const dtHigh = (hz * spread) / sampleRate;
  const dtMid = (hz * Math.pow(2, 3 / 1200)) / sampleRate;
  const dtTri = hz / sampleRate;
  let pLow = rng();
  let pHigh = rng();
  let pMid = rng();
  let pTri = rng();
  const [gainL, gainR] = panGains(note.pan);
  const level = note.velocity * 0.25;
  for (let i = Math.max(0, start); i < end; i++) {
    const t = i - start;
    let env: number;
    if (t < attack) {
      const x = t / attack;
      env = x * x * (3 - 2 * x);
    } else if (t < gate) {
      env = 1;
    } else {
      const x = 1 - (t - gate) / release;
      env = x * x;
    }
    const mid = 0.3 * polyBlepSaw(pMid, dtMid) + 0.55 * triangleWave(pTri);
    const amp = env * level;
    bus.left[i] += (0.5 * polyBlepSaw(pLow, dtLow) + mid) * amp * gainL;
    bus.right[i] += (0.5 * polyBlepSaw(pHigh, dtHigh) + mid) * amp * gainR;
    pLow += dtLow;
    if (pLow >= 1) pLow -= 1;
    pHigh += dtHigh;
    if (pHigh >= 1) pHigh -= 1;
    pMid += dtMid;
    if (pMid >= 1) pMid -= 1;
    pTri += dtTri;
    if (pTri >= 1) pTri -= 1;
  }
}

/**
 * Bass: a sine for weight plus a little saw for definition on small speakers, with a plucky decay to a
 * sustain so repeated eighths articulate instead of smearing into a drone.
 */
export function addBassNote(bus: Float32Array, sampleRate: number, note: NoteEvent): void {
  const { start, gate, end } = span(note, 0.06, sampleRate, bus.length);
  const attack = Math.round(0.004 * sampleRate);
  const hz = midiToHz(note.midi);
  const dt = hz / sampleRate;
  // Rotating phasor: an exact sine without a Math.sin per sample.
  const cosW = Math.cos(2 * Math.PI * dt);
  const sinW = Math.sin(2 * Math.PI * dt);
  let x = 1;
  let y = 0;
  let phase = 0.25;
  const sustain = 0.65;
  let decay = 1;
  const decayStep = decayFactor(0.12, sampleRate);
  const releaseStep = decayFactor(0.01, sampleRate);
  let releaseLevel = 1;
  for (let i = Math.max(0, start); i < end; i++) {
    const t = i - start;
    let env = sustain + (1 - sustain) * decay;
    decay *= decayStep;
    if (t < attack) env *= t / attack;
    if (t >= gate) {
      releaseLevel *= releaseStep;
      env *= releaseLevel;
    }
    bus[i] += (0.85 * y + 0.18 * polyBlepSaw(phase, dt)) * env * note.velocity * 0.4;
    const nx = x * cosW - y * sinW;
    y = x * sinW + y * cosW;
    x = nx;
    phase += dt;
    if (phase >= 1) phase -= 1;
  }
}

/**
 * Arp pluck: triangle plus saw through a per-note low-pass whose cutoff closes as the note decays,
 * the bright-then-mellow shape of a plucked string.
 */
export function addPluck(bus: StereoBus, sampleRate: number, note: NoteEvent): void {
  const { start, gate, end } = span(note, 0.05, sampleRate, bus.left.length);
  const attack = Math.round(0.002 * sampleRate);
  const hz = midiToHz(note.midi);
  const dt = hz / sampleRate;
  const [gainL, gainR] = panGains(note.pan);
  const ampStep = decayFactor(0.22, sampleRate);
  const toneStep = decayFactor(0.06, sampleRate);
  const releaseStep = decayFactor(0.01, sampleRate);
  const level = note.velocity * 0.4;
  let phase = 0;
  let amp = 1;
  let tone = 1;
  let filtered = 0;
  for (let i = Math.max(0, start); i < end; i++) {
    const t = i - start;
    const raw = 0.65 * triangleWave(phase) + 0.35 * polyBlepSaw(phase, dt);
    filtered += (0.04 + 0.5 * tone) * (raw - filtered);
    let env = amp;
    if (t < attack) env *= t / attack;
    amp *= t >= gate ? ampStep * releaseStep : ampStep;
    tone *= toneStep;
    const out = filtered * env * level;
    bus.left[i] += out * gainL;
    bus.right[i] += out * gainR;
    phase += dt;
    if (phase >= 1) phase -= 1;
  }
}
