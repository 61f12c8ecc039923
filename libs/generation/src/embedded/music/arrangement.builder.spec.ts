import { arrangeMusic } from './arrangement.builder';
import { type MusicPlan } from './music-plan.types';

const base: MusicPlan = {
  mood: 'test',
  tempoBpm: 120,
  key: 'C major',
  rootMidi: 60,
  mode: 'major',
  progression: ['I', 'V', 'vi', 'IV'],
  instruments: { pad: true, bass: true, arp: true, drums: 'full' },
  swing: 0,
};

const times = (events: { startSec: number }[]) => events.map((event) => Math.round(event.startSec * 1000) / 1000);

describe(arrangeMusic.name, () => {
  it('gives each bar of four beats the next chord of the progression, looping', () => {
    const arrangement = arrangeMusic(base, 11, 1);
    expect(arrangement.beatSec).toBe(0.5);
    expect(arrangement.barSec).toBe(2);
    expect(arrangement.chordIndexes).toEqual([0, 1, 2, 3, 0, 1]);
  });

  it('puts a kick on every beat when drums are full and on beats 1 and 3 when soft', () => {
    const full = arrangeMusic(base, 4, 1).drums.filter((hit) => hit.kind === 'kick');
    expect(times(full)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    const soft = arrangeMusic({ ...base, instruments: { ...base.instruments, drums: 'soft' } }, 2, 1).drums;
    expect(times(soft.filter((hit) => hit.kind === 'kick'))).toEqual([0, 1]);
    expect(times(soft.filter((hit) => hit.kind === 'snare'))).toEqual([0.5, 1.5]);
    expect(arrangeMusic({ ...base, instruments: { ...base.instruments, drums: 'none' } }, 4, 1).drums).toEqual([]);
  });

  it('plays the bass on the chord roots, on the beat', () => {
    const bass = arrangeMusic({ ...base, instruments: { ...base.instruments, drums: 'soft' } }, 4, 1).bass;
    expect(bass.map((note) => note.midi)).toEqual([36, 36, 36, 43, 43, 43]);
    expect(times(bass)).toEqual([0, 0.75, 1, 2, 2.75, 3]);
  });

  it('arpeggiates only chord tones, an octave above the pad', () => {
    const arrangement = arrangeMusic(base, 2, 3);
    expect(arrangement.arp).toHaveLength(16);
    expect(new Set(arrangement.arp.map((note) => note.midi % 12))).toEqual(new Set([0, 4, 7]));
    expect(Math.min(...arrangement.arp.map((note) => note.midi))).toBeGreaterThanOrEqual(65);
  });

  it('delays every off-beat subdivision by the swing fraction when swing is set', () => {
    const swung = arrangeMusic({ ...base, swing: 1 / 3, instruments: { ...base.instruments, drums: 'soft' } }, 2, 1);
    const hats = times(swung.drums.filter((hit) => hit.kind === 'hat'));
    // Eighths at 120 bpm are 0.25 s; a third of one delays each off-beat by ~0.083 s (triplet feel).
    expect(hats).toEqual([0, 0.333, 0.5, 0.833, 1, 1.333, 1.5, 1.833]);
  });

  it('holds common tones across the bar line instead of re-striking them', () => {
    const pad = arrangeMusic({ ...base, progression: ['I', 'vi'] }, 4, 1).pad;
    // C major (G3 C4 E4 C5) then A minor (A3 C4 E4 A4): C4 and E4 carry over.
    const held = pad.filter((note) => note.durationSec === 4).map((note) => note.midi);
    expect(held.sort()).toEqual([60, 64]);
    expect(pad.filter((note) => note.startSec === 2).map((note) => note.midi)).toEqual([57, 69]);
  });

  it('starts nothing at or after the end, even when the last bar is cut short', () => {
    const arrangement = arrangeMusic(base, 3.1, 1);
    const all = [...arrangement.pad, ...arrangement.bass, ...arrangement.arp, ...arrangement.drums];
    expect(Math.max(...all.map((event) => event.startSec))).toBeLessThan(3.1);
  });
});
