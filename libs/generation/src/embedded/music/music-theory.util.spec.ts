import { type MusicPlan } from './music-plan.types';
import {
  bassNote,
  chordFrequencies,
  chordPitchClasses,
  midiToHz,
  padVoicing,
  parseKey,
  parseRomanNumeral,
} from './music-theory.util';

const cMajor: MusicPlan = {
  mood: 'test',
  tempoBpm: 100,
  key: 'C major',
  rootMidi: 60,
  mode: 'major',
  progression: ['I', 'V', 'vi', 'IV'],
  instruments: { pad: true, bass: true, arp: true, drums: 'soft' },
  swing: 0,
};

describe(parseRomanNumeral.name, () => {
  it.each([
    ['I', 'major', 0, [0, 4, 7]],
    ['vi', 'major', 9, [0, 3, 7]],
    ['IV', 'major', 5, [0, 4, 7]],
    ['vii°', 'major', 11, [0, 3, 6]],
    ['bVII', 'major', 10, [0, 4, 7]],
    ['i', 'minor', 0, [0, 3, 7]],
    ['III', 'minor', 3, [0, 4, 7]],
    ['VI', 'minor', 8, [0, 4, 7]],
    ['V', 'minor', 7, [0, 4, 7]],
    ['v', 'minor', 7, [0, 3, 7]],
  ] as const)('reads %s in %s as root +%i with intervals %j', (symbol, mode, rootOffset, intervals) => {
    expect(parseRomanNumeral(symbol, mode)).toEqual({ rootOffset, intervals });
  });

  it.each(['', 'X', 'Iv', 'VIII', 'I7'])('throws when the symbol is %p', (symbol) => {
    expect(() => parseRomanNumeral(symbol, 'major')).toThrow(RangeError);
  });
});

describe(parseKey.name, () => {
  it('reads sharps, flats and the mode', () => {
    expect(parseKey('F# minor')).toEqual({ pitchClass: 6, mode: 'minor' });
    expect(parseKey('Eb major')).toEqual({ pitchClass: 3, mode: 'major' });
    expect(() => parseKey('H major')).toThrow(RangeError);
  });
});

describe(chordFrequencies.name, () => {
  it('voices C major I as G3 C4 E4 C5', () => {
    expect(padVoicing(cMajor, 0)).toEqual([55, 60, 64, 72]);
    expect(chordFrequencies(cMajor, 0).map((hz) => Math.round(hz * 10) / 10)).toEqual([196, 261.6, 329.6, 523.3]);
  });

  it('loops over the progression and keeps the pad within about an octave', () => {
    expect(chordPitchClasses(cMajor, 1)).toEqual([7, 11, 2]);
    expect(chordPitchClasses(cMajor, 5)).toEqual(chordPitchClasses(cMajor, 1));
    for (let i = 0; i < 4; i++) {
      const voicing = padVoicing(cMajor, i);
      expect(voicing[2] - voicing[0]).toBeLessThan(12);
      expect(voicing[3] % 12).toBe(chordPitchClasses(cMajor, i)[0]);
    }
  });

  it('puts the bass root between C2 and B2', () => {
    expect([0, 1, 2, 3].map((i) => bassNote(cMajor, i))).toEqual([36, 43, 45, 41]);
    expect(midiToHz(69)).toBe(440);
  });
});
