import { type StereoBus } from './synth.voices';

// Freeverb's tunings (at 44.1 kHz), mutually prime so the comb echoes do not pile up into a pitch.
const COMB_TUNINGS = [1116, 1188, 1277, 1356];
const ALLPASS_TUNINGS = [556, 441];
const STEREO_SPREAD = 23;

/**
 * A small Freeverb-style room (four damped combs into two all-passes per side) fed by a mono send and
 * added to `out` at `wet`. Without some space the dry synths sound like a test tone; this is the cheapest
 * reverb that does not ring metallically. Each filter runs over the whole buffer in turn: the combs are
 * parallel, so this gives the same result as per-sample processing in tight, fast loops.
 */
export function addRoomReverb(
  send: Float32Array,
  out: StereoBus,
  sampleRate: number,
  wet: number,
  feedback = 0.8,
  damp = 0.35,
): void {
  const scale = sampleRate / 44100;
  const sides: [Float32Array, number][] = [
    [out.left, 0],
    [out.right, STEREO_SPREAD],
  ];
  const wetSide = new Float32Array(send.length);
  for (const [target, offset] of sides) {
    wetSide.fill(0);
    for (const tuning of COMB_TUNINGS) comb(send, wetSide, Math.round((tuning + offset) * scale), feedback, damp);
    for (const tuning of ALLPASS_TUNINGS) allpassInPlace(wetSide, Math.round((tuning + offset) * scale));
    const gain = wet * 0.25;
    for (let i = 0; i < target.length; i++) target[i] += wetSide[i] * gain;
  }
}

function comb(input: Float32Array, output: Float32Array, size: number, feedback: number, damp: number): void {
  const line = new Float32Array(size);
  let index = 0;
  let store = 0;
  for (let i = 0; i < input.length; i++) {
    const delayed = line[index];
    store = delayed * (1 - damp) + store * damp;
    line[index] = input[i] + store * feedback;
    output[i] += delayed;
    if (++index === size) index = 0;
  }
}

function allpassInPlace(buffer: Float32Array, size: number): void {
  const line = new Float32Array(size);
  let index = 0;
  for (let i = 0; i < buffer.length; i++) {
    const delayed = line[index];
    const input = buffer[i];
    line[index] = input + delayed * 0.5;
    buffer[i] = delayed - input;
    if (++index === size) index = 0;
  }
}

/** Ping-pong echo, in place: repeats alternate sides, widening a mono-ish arp without smearing it. */
export function pingPongEchoInPlace(bus: StereoBus, delaySamples: number, feedback: number, wet: number): void {
  const size = Math.max(1, delaySamples);
  const lineL = new Float32Array(size);
  const lineR = new Float32Array(size);
  let index = 0;
  for (let i = 0; i < bus.left.length; i++) {
    const echoL = lineL[index];
    const echoR = lineR[index];
    const dryL = bus.left[i];
    const dryR = bus.right[i];
    lineL[index] = 0.5 * (dryL + dryR) + feedback * echoR;
    lineR[index] = feedback * echoL;
    bus.left[i] = dryL + wet * echoL;
    bus.right[i] = dryR + wet * echoR;
    if (++index === size) index = 0;
  }
}
