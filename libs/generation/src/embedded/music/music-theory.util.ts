import { type MusicMode, type MusicPlan } from './music-plan.types';

const SCALE_STEPS: Record<MusicMode, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
};

const NUMERALS = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII'];

const PITCH_CLASSES: Record<string, number> = {
  C: 0,
  'C#': 1,
  Db: 1,
  D: 2,
  'D#': 3,
  Eb: 3,
  E: 4,
  F: 5,
  'F#': 6,
  Gb: 6,
  G: 7,
  'G#': 8,
  Ab: 8,
  A: 9,
  'A#': 10,
  Bb: 10,
  B: 11,
};

// Registers chosen so the pad sits under the arp and above the bass whatever the key: a fixed window
// gives close voice leading between chords instead of the whole pad jumping when the root moves.
const PAD_LOW_MIDI = 53;
const BASS_LOW_MIDI = 36;

export interface Chord {
  /** Semitones from the tonic to the chord root, 0-11. */
  rootOffset: number;
  /** Semitones from the chord root, starting with 0. */
  intervals: readonly number[];
}

/**
 * Case gives the quality (upper = major, lower = minor); the degree is read against the plan's own
 * scale, so 'VI' in A minor is F major and 'bVII' in C major is Bb major.
 */
export function parseRomanNumeral(symbol: string, mode: MusicMode): Chord {
  const match = /^([b#]?)(i{1,3}|iv|vi{0,2}|I{1,3}|IV|VI{0,2}|V)(°|o|\+)?$/.exec(symbol.trim());
  if (!match) throw new RangeError(`unknown chord symbol '${symbol}'`);
  const [, accidental, numeral, suffix] = match;
  const degree = NUMERALS.indexOf(numeral.toUpperCase());
  const shift = accidental === 'b' ? -1 : accidental === '#' ? 1 : 0;
  const rootOffset = (SCALE_STEPS[mode][degree] + shift + 12) % 12;
  const isMajor = numeral === numeral.toUpperCase();
  let intervals = isMajor ? [0, 4, 7] : [0, 3, 7];
  if (suffix === '°' || suffix === 'o') intervals = [0, 3, 6];
  if (suffix === '+') intervals = [0, 4, 8];
  return { rootOffset, intervals };
}

/** 'F# minor' -> tonic pitch class and mode. */
export function parseKey(key: string): { pitchClass: number; mode: MusicMode } {
  const match = /^([A-G][#b]?)\s+(major|minor)$/.exec(key.trim());
  const pitchClass = match ? PITCH_CLASSES[match[1]] : undefined;
  if (!match || pitchClass === undefined) throw new RangeError(`unknown key '${key}'`);
  return { pitchClass, mode: match[2] as MusicMode };
}

export function midiToHz(midi: number): number {
  return 440 * Math.pow(2, (midi - 69) / 12);
}

function pitchClassOf(midi: number): number {
  return ((midi % 12) + 12) % 12;
}

function placeAbove(pitchClass: number, lowMidi: number): number {
  return lowMidi + ((pitchClass - lowMidi + 120) % 12);
}

export function chordAt(plan: MusicPlan, chordIndex: number): Chord {
  const count = plan.progression.length;
  if (count === 0) throw new RangeError('progression is empty');
  return parseRomanNumeral(plan.progression[((chordIndex % count) + count) % count], plan.mode);
}

/** Pitch classes (0 = C) of the chord at `chordIndex`, root first; the index loops over the progression. */
export function chordPitchClasses(plan: MusicPlan, chordIndex: number): number[] {
  const chord = chordAt(plan, chordIndex);
  const root = pitchClassOf(plan.rootMidi) + chord.rootOffset;
  return chord.intervals.map((interval) => pitchClassOf(root + interval));
}

/** The pad's voicing: the triad inside one octave from F3, plus the root doubled above it, ascending. */
export function padVoicing(plan: MusicPlan, chordIndex: number): number[] {
  const pitchClasses = chordPitchClasses(plan, chordIndex);
  const triad = pitchClasses.map((pc) => placeAbove(pc, PAD_LOW_MIDI)).sort((a, b) => a - b);
  return [...triad, placeAbove(pitchClasses[0], PAD_LOW_MIDI + 12)];
}

/** The bass plays the chord root between C2 and B2. */
export function bassNote(plan: MusicPlan, chordIndex: number): number {
  return placeAbove(chordPitchClasses(plan, chordIndex)[0], BASS_LOW_MIDI);
}

/** Frequencies (Hz) the pad sounds for the chord at `chordIndex`, ascending. */
export function chordFrequencies(plan: MusicPlan, chordIndex: number): number[] {
  return padVoicing(plan, chordIndex).map(midiToHz);
}
