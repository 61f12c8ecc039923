// The embedded music bed: mood -> plan (tempo, key, progression, parts) -> stereo PCM -> WAV.
// Pure TypeScript, offline and deterministic for (mood, duration, seed).
export * from './music-plan.types';
export { planMusic } from './music-plan.builder';
export { renderMusic } from './music.renderer';
export { encodeWav } from './wav.encoder';
export { chordFrequencies, chordPitchClasses, midiToHz } from './music-theory.util';
