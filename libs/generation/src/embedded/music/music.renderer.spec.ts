import {
  chroma,
  dominantPeriod,
  lowBandOnsetStrength,
  median,
  mono,
  peakAndRms,
  pickOnsets,
  strongestPitchClasses,
} from '@app/testing';
import { planMusic } from './music-plan.builder';
import { type MusicPlan } from './music-plan.types';
import { chordPitchClasses } from './music-theory.util';
import { renderMusic } from './music.renderer';

const SAMPLE_RATE = 48000;
const [C, D, E, F, G, A, B] = [0, 2, 4, 5, 7, 9, 11];

function plan(overrides: Partial<MusicPlan>): MusicPlan {
  return {
    mood: 'test',
    tempoBpm: 100,
    key: 'C major',
    rootMidi: 60,
    mode: 'major',
    progression: ['I', 'V', 'vi', 'IV'],
    instruments: { pad: true, bass: true, arp: true, drums: 'soft' },
    swing: 0,
    ...overrides,
  };
}

const cMajorPop = plan({});
const aMinorDrive = plan({
  tempoBpm: 126,
  key: 'A minor',
  rootMidi: 69,
  mode: 'minor',
  progression: ['i', 'VI', 'III', 'VII'],
  instruments: { pad: true, bass: true, arp: true, drums: 'full' },
});

function sameSamples(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Chroma of bar `bar`, skipping its first 30% where the previous chord's release and echoes linger. */
function barChroma(signal: Float32Array, tempoBpm: number, bar: number): number[] {
  const barSec = (4 * 60) / tempoBpm;
  return chroma(signal, SAMPLE_RATE, (bar + 0.3) * barSec, (bar + 1) * barSec);
}

describe(renderMusic.name, () => {
  it('renders identical samples when mood, duration and seed are the same', () => {
    const first = renderMusic(planMusic('driving electronic', 7), 8, 7);
    const second = renderMusic(planMusic('driving electronic', 7), 8, 7);
    expect(sameSamples(first.left, second.left)).toBe(true);
    expect(sameSamples(first.right, second.right)).toBe(true);
  });

  it('renders different samples when only the seed changes', () => {
    const bed = planMusic('calm', 1);
    const first = renderMusic(bed, 8, 1);
    const second = renderMusic(bed, 8, 2);
    expect(sameSamples(first.left, second.left)).toBe(false);
  });

  it.each([6, 15, 30, 7.5])('returns exactly round(duration * rate) samples when asked for %p s', (durationSec) => {
    const audio = renderMusic(planMusic('uplifting acoustic', 3), durationSec, 3);
    expect(audio.sampleRate).toBe(SAMPLE_RATE);
    expect(audio.left.length).toBe(Math.round(durationSec * SAMPLE_RATE));
    expect(audio.right.length).toBe(audio.left.length);
  });

  it('honours the sample rate and rounds fractional sample counts', () => {
    expect(renderMusic(cMajorPop, 7.5, 1, 44100).left.length).toBe(330750);
    expect(renderMusic(cMajorPop, 1.00001, 1, 44100).left.length).toBe(44100);
    expect(renderMusic(cMajorPop, 0, 1).left.length).toBe(0);
  });

  it.each(['uplifting acoustic', 'driving electronic', 'calm hopeful', 'dark tense', 'playful happy', 'xyzzy'])(
    'is audible, finite and peak-normalised to -3 dBFS when the mood is %p',
    (mood) => {
      const { peak, rms, nonFinite } = peakAndRms(renderMusic(planMusic(mood, 11), 12, 11));
      expect(nonFinite).toBe(0);
      expect(peak).toBeLessThanOrEqual(1);
      expect(20 * Math.log10(peak)).toBeCloseTo(-3, 1);
      // A bed, not a beep and not a wall: typical of mixed music with headroom for a voice-over.
      expect(20 * Math.log10(rms)).toBeGreaterThan(-26);
      expect(20 * Math.log10(rms)).toBeLessThan(-10);
    },
  );

  it('fades in from silence and out to silence at exactly the requested end', () => {
    const audio = renderMusic(aMinorDrive, 10, 5);
    const tenMs = 0.01 * SAMPLE_RATE;
    const { peak: head } = peakAndRms({
      ...audio,
      left: audio.left.slice(0, tenMs),
      right: audio.right.slice(0, tenMs),
    });
    const { peak: tail } = peakAndRms({ ...audio, left: audio.left.slice(-tenMs), right: audio.right.slice(-tenMs) });
    expect(head).toBeLessThan(0.01);
    expect(tail).toBeLessThan(0.001);
    expect(Math.abs(audio.left[audio.left.length - 1])).toBe(0);
    expect(Math.abs(audio.right[audio.right.length - 1])).toBe(0);
  });

  it.each([
    ['the driving plan', aMinorDrive],
    ['a 90 bpm plan', { ...aMinorDrive, tempoBpm: 90 }],
  ])('puts a kick on every beat of %s, 60 / tempo apart within 3%', (_, bed) => {
    const durationSec = 20;
    const strength = lowBandOnsetStrength(mono(renderMusic(bed, durationSec, 9)), SAMPLE_RATE);
    const beatSec = 60 / bed.tempoBpm;
    const error = (periodSec: number) => Math.abs(periodSec - beatSec) / beatSec;

    const onsets = pickOnsets(strength);
    expect(error(median(onsets.slice(1).map((t, i) => t - onsets[i])))).toBeLessThan(0.03);
    // Autocorrelation over a 67-200 bpm window agrees, whatever else the low band is doing.
    expect(error(dominantPeriod(strength, 0.3, 0.9))).toBeLessThan(0.03);
    // And the kicks sit on one grid for the whole bed (no drift): nearly every beat outside the fades
    // has an onset within 20 ms of it. The grid's phase is the onsets' median phase (detector latency).
    const phase = median(onsets.map((t) => t % beatSec));
    const onGrid = onsets.filter((t) => {
      const beats = (t - phase) / beatSec;
      return Math.abs(beats - Math.round(beats)) * beatSec < 0.02;
    });
    expect(onGrid.length).toBeGreaterThanOrEqual(Math.floor((durationSec - 1.8) / beatSec) - 1);
  });

  it.each([
    ['C major, bar 1 = I', cMajorPop, [C, E, G]],
    ['A minor, bar 1 = i', aMinorDrive, [A, C, E]],
  ])('puts the chord tones above their non-chord neighbours in %s', (_, bed, triad) => {
    const energy = barChroma(mono(renderMusic(bed, 12, 4)), bed.tempoBpm, 0);
    expect(new Set(strongestPitchClasses(energy, 3))).toEqual(new Set(triad));
    for (const tone of triad) {
      for (const neighbour of [(tone + 11) % 12, (tone + 1) % 12]) {
        if (!triad.includes(neighbour)) expect(energy[tone]).toBeGreaterThan(4 * energy[neighbour]);
      }
    }
  });

  it.each([
    [
      'C major I-V-vi-IV',
      cMajorPop,
      [
        [C, E, G],
        [G, B, D],
        [A, C, E],
        [F, A, C],
      ],
    ],
    [
      'A minor i-VI-III-VII',
      aMinorDrive,
      [
        [A, C, E],
        [F, A, C],
        [C, E, G],
        [G, B, D],
      ],
    ],
  ])('changes chord at each bar line as %s says', (_, bed, triads) => {
    const signal = mono(renderMusic(bed, 24, 6));
    const heard = [0, 1, 2, 3, 4].map((bar) => new Set(strongestPitchClasses(barChroma(signal, bed.tempoBpm, bar), 3)));
    expect(heard[0]).not.toEqual(heard[1]);
    triads.forEach((triad, bar) => expect(heard[bar]).toEqual(new Set(triad)));
    // The progression loops: bar 5 is bar 1 again.
    expect(heard[4]).toEqual(new Set(chordPitchClasses(bed, 4)));
    expect(heard[4]).toEqual(heard[0]);
  });

  it.each(['uplifting acoustic', 'driving electronic', 'calm', 'dark tense', 'playful', 'sad', 'energetic', 'xyzzy'])(
    'sounds the planned chord in each of the first five bars when the mood is %p',
    (mood) => {
      const bed = planMusic(mood, 0);
      const signal = mono(renderMusic(bed, (5 * 240) / bed.tempoBpm + 2, 0));
      for (let bar = 0; bar < 5; bar++) {
        const heard = new Set(strongestPitchClasses(barChroma(signal, bed.tempoBpm, bar), 3));
        expect({ bar, heard }).toEqual({ bar, heard: new Set(chordPitchClasses(bed, bar)) });
      }
    },
  );

  it('renders 30 s of stereo in under a second', () => {
    const bed = planMusic('driving electronic', 1);
    // Best of two, so a cold JIT or a busy CI neighbour does not decide the result.
    const timings = [0, 1].map(() => {
      const started = performance.now();
      renderMusic(bed, 30, 1);
      return performance.now() - started;
    });
    expect(Math.min(...timings)).toBeLessThan(1000);
  });

  it('rejects a negative duration, a bad tempo or an unknown chord before rendering', () => {
    expect(() => renderMusic(cMajorPop, -1, 1)).toThrow(RangeError);
    expect(() => renderMusic(cMajorPop, Number.NaN, 1)).toThrow(RangeError);
    expect(() => renderMusic({ ...cMajorPop, tempoBpm: 0 }, 5, 1)).toThrow(RangeError);
    expect(() => renderMusic({ ...cMajorPop, progression: ['I', 'X'] }, 5, 1)).toThrow(/unknown chord symbol 'X'/);
    expect(() => renderMusic({ ...cMajorPop, progression: [] }, 5, 1)).toThrow(/progression is empty/);
  });
});
