export type MusicMode = 'major' | 'minor';

export type DrumStyle = 'none' | 'soft' | 'full';

export interface MusicPlan {
  mood: string;
  tempoBpm: number;
  /** Human-readable, e.g. 'D major' or 'F# minor'. */
  key: string;
  /** MIDI note of the tonic; only its pitch class matters, voices pick their own register. */
  rootMidi: number;
  mode: MusicMode;
  /** Roman numerals relative to the key, one chord per bar, looped: ['I', 'V', 'vi', 'IV']. */
  progression: string[];
  instruments: { pad: boolean; bass: boolean; arp: boolean; drums: DrumStyle };
  /** 0 = straight; 1/3 = triplet shuffle. Delays every off-beat subdivision by this fraction of it. */
  swing: number;
}

export interface RenderedAudio {
  sampleRate: number;
  left: Float32Array;
  right: Float32Array;
}
