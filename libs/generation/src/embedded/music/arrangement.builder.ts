import { deriveSeed, mulberry32, type Rng } from './mulberry32.util';
import { bassNote, padVoicing } from './music-theory.util';
import { type MusicPlan } from './music-plan.types';

export type DrumKind = 'kick' | 'snare' | 'clap' | 'hat' | 'openHat';

export interface NoteEvent {
  startSec: number;
  /** Gate length; voices add their own release after it. */
  durationSec: number;
  midi: number;
  velocity: number;
  /** -1 (left) .. 1 (right). */
  pan: number;
}

export interface DrumHit {
  startSec: number;
  kind: DrumKind;
  velocity: number;
}

/** What plays when, in seconds: pure data, so the timing and harmony can be tested without audio. */
export interface Arrangement {
  beatSec: number;
  barSec: number;
  barCount: number;
  /** Progression index per bar. */
  chordIndexes: number[];
  pad: NoteEvent[];
  bass: NoteEvent[];
  arp: NoteEvent[];
  drums: DrumHit[];
}

const BEATS_PER_BAR = 4;

const ARP_PATTERNS: readonly (readonly number[])[] = [
  [0, 1, 2, 3],
  [0, 1, 2, 3, 2, 1],
  [0, 2, 1, 3],
  [0, 3, 1, 3, 2, 3],
];

export function arrangeMusic(plan: MusicPlan, durationSec: number, seed: number): Arrangement {
  const beatSec = 60 / plan.tempoBpm;
  const barSec = beatSec * BEATS_PER_BAR;
  const barCount = Math.ceil(durationSec / barSec);
  const chordIndexes = Array.from({ length: barCount }, (_, bar) => bar % plan.progression.length);
  const humanise = mulberry32(deriveSeed(seed, 'arrangement'));
  const grid = new Grid(beatSec, barSec, Math.min(0.5, Math.max(0, plan.swing)));
  const arrangement: Arrangement = {
    beatSec,
    barSec,
    barCount,
    chordIndexes,
    pad: plan.instruments.pad ? arrangePad(plan, grid, chordIndexes) : [],
    bass: plan.instruments.bass ? arrangeBass(plan, grid, chordIndexes, humanise) : [],
    arp: plan.instruments.arp ? arrangeArp(plan, grid, chordIndexes, humanise) : [],
    drums: arrangeDrums(plan, grid, barCount, humanise),
  };
  // Bars are whole, so the last one may run past the end; nothing may start after it.
  const audible = <T extends { startSec: number }>(events: T[]): T[] => events.filter((e) => e.startSec < durationSec);
  return {
    ...arrangement,
    pad: audible(arrangement.pad),
    bass: audible(arrangement.bass),
    arp: audible(arrangement.arp),
    drums: audible(arrangement.drums),
  };
}

class Grid {
  constructor(
    readonly beatSec: number,
    readonly barSec: number,
    private readonly swing: number,
  ) {}

  /** Start of `step` in a bar divided into `stepsPerBeat` per beat; swing delays the odd steps. */
  at(bar: number, step: number, stepsPerBeat: number): number {
    const stepSec = this.beatSec / stepsPerBeat;
    return bar * this.barSec + step * stepSec + (step % 2 === 1 ? this.swing * stepSec : 0);
  }
}

function arrangePad(plan: MusicPlan, grid: Grid, chordIndexes: readonly number[]): NoteEvent[] {
  const events: NoteEvent[] = [];
  // Common tones are held across the bar line rather than re-struck, as a keyboard player would.
  const sounding = new Map<number, NoteEvent>();
  chordIndexes.forEach((chordIndex, bar) => {
    const voicing = padVoicing(plan, chordIndex);
    for (const midi of [...sounding.keys()]) if (!voicing.includes(midi)) sounding.delete(midi);
    voicing.forEach((midi, i) => {
      const held = sounding.get(midi);
      if (held) {
        held.durationSec += grid.barSec;
        return;
      }
      const event: NoteEvent = {
        startSec: grid.at(bar, 0, 1),
        durationSec: grid.barSec,
        midi,
        velocity: i === voicing.length - 1 ? 0.7 : 1,
        pan: -0.35 + (0.7 * i) / (voicing.length - 1),
      };
      events.push(event);
      sounding.set(midi, event);
    });
  });
  return events;
}

function arrangeBass(plan: MusicPlan, grid: Grid, chordIndexes: readonly number[], rng: Rng): NoteEvent[] {
  const events: NoteEvent[] = [];
  const beat = grid.beatSec;
  chordIndexes.forEach((chordIndex, bar) => {
    const root = bassNote(plan, chordIndex);
    const note = (step: number, beats: number, velocity: number, midi = root): void => {
      events.push({ startSec: grid.at(bar, step, 2), durationSec: beats * beat, midi, velocity, pan: 0 });
    };
    switch (plan.instruments.drums) {
      case 'full': {
        // Straight eighths pushing against the kick; an octave pop at the end of some bars.
        const pop = rng() < 0.5;
        for (let step = 0; step < 8; step++) {
          note(step, step % 2 === 0 ? 0.45 : 0.4, step % 2 === 0 ? 0.85 : 1, pop && step === 7 ? root + 12 : root);
        }
        break;
      }
      case 'soft':
        note(0, 1.4, 1);
        note(3, 0.45, 0.75);
        note(4, 1.9, 0.95);
        break;
      case 'none':
        note(0, 3.8, 0.9);
        break;
    }
  });
  return events;
}

function arrangeArp(plan: MusicPlan, grid: Grid, chordIndexes: readonly number[], rng: Rng): NoteEvent[] {
  const events: NoteEvent[] = [];
  // Sixteenths where there is room for them (driving grooves, slow beds), eighths otherwise.
  const stepsPerBeat = plan.instruments.drums === 'full' || plan.tempoBpm < 90 ? 4 : 2;
  const pattern = ARP_PATTERNS[Math.floor(rng() * ARP_PATTERNS.length)];
  const stepSec = grid.beatSec / stepsPerBeat;
  chordIndexes.forEach((chordIndex, bar) => {
    const tones = padVoicing(plan, chordIndex).map((midi) => midi + 12);
    for (let step = 0; step < BEATS_PER_BAR * stepsPerBeat; step++) {
      const onBeat = step % stepsPerBeat === 0;
      events.push({
        startSec: grid.at(bar, step, stepsPerBeat),
        durationSec: stepSec * 0.9,
        midi: tones[pattern[step % pattern.length]],
        velocity: (onBeat ? 1 : 0.72) * (0.94 + 0.12 * rng()),
        pan: step % 2 === 0 ? -0.35 : 0.35,
      });
    }
  });
  return events;
}

function arrangeDrums(plan: MusicPlan, grid: Grid, barCount: number, rng: Rng): DrumHit[] {
  const hits: DrumHit[] = [];
  const hit = (bar: number, step: number, stepsPerBeat: number, kind: DrumKind, velocity: number): void => {
    hits.push({ startSec: grid.at(bar, step, stepsPerBeat), kind, velocity: velocity * (0.94 + 0.12 * rng()) });
  };
  for (let bar = 0; bar < barCount; bar++) {
    switch (plan.instruments.drums) {
      case 'full':
        for (let step = 0; step < 16; step++) {
          if (step % 4 === 0) hit(bar, step, 4, 'kick', 1);
          if (step === 4 || step === 12) hit(bar, step, 4, 'clap', 0.9);
          if (step % 4 === 2) hit(bar, step, 4, 'openHat', 0.8);
          if (step % 2 === 1) hit(bar, step, 4, 'hat', 0.35);
        }
        // A two-clap pickup marks every fourth bar as the end of a phrase.
        if (bar % 4 === 3) {
          hit(bar, 14, 4, 'clap', 0.45);
          hit(bar, 15, 4, 'clap', 0.65);
        }
        break;
      case 'soft':
        for (let step = 0; step < 8; step++) {
          if (step === 0 || step === 4) hit(bar, step, 2, 'kick', 0.9);
          if (step === 5 && bar % 2 === 1) hit(bar, step, 2, 'kick', 0.6);
          if (step === 2 || step === 6) hit(bar, step, 2, 'snare', 0.75);
          hit(bar, step, 2, 'hat', step % 2 === 0 ? 0.5 : 0.32);
        }
        break;
      case 'none':
        break;
    }
  }
  return hits.sort((a, b) => a.startSec - b.startSec);
}
