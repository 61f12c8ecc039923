import { type AspectRatio, type OutputSpec, type TransitionIn } from '@app/domain';

export interface FinalCutClip {
  path: string;
  /** The clip's real length, including the tail it carries for a blended transition after it. */
  durationSec: number;
  transitionIn: TransitionIn;
  transitionSec: number;
}

export interface FinalCutOutput {
  aspectRatio: AspectRatio;
  spec: OutputSpec;
  path: string;
  /** How a ratio other than the master's is made: centre crop, or the master fitted over a blurred fill. */
  reframe: 'crop' | 'blur';
}

export interface NarrationLine {
  text: string;
  startSec: number;
  endSec: number;
  /** Audio a TTS service already rendered for this line; without it ffmpeg's flite speaks the text. */
  audioPath?: string;
}

export interface WatermarkSpec {
  text?: string;
  logoPath?: string;
  position: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
  opacity: number;
}

export interface FinalCutRequest {
  clips: FinalCutClip[];
  totalSec: number;
  /** The spec every clip is already normalised to (H.264, size, 24 fps, yuv420p). */
  master: OutputSpec;
  /** `outputs[0]` is at the master's ratio. */
  outputs: FinalCutOutput[];
  text: {
    /** On-screen text in ad time; empty entries are skipped. */
    scenes: { startSec: number; endSec: number; text: string }[];
    endCard: { headline: string; callToAction: string; startSec: number } | null;
    compliance: { text: string } | null;
    /** Family libass asks fontconfig for; the brand font or 'DejaVu Sans'. */
    fontName: string;
    /** '#RRGGBB'; anything else is ignored. */
    brandColors: string[];
  };
  audio: {
    musicPath: string | null;
    narration: NarrationLine[];
    loudness: { integratedLufs: number; truePeakDb: number; lra: number };
  };
  watermark: WatermarkSpec | null;
  /** Written into every MP4 as tags (keys: letters, digits, `_ . -`). */
  metadata: Record<string, string>;
  preset: 'veryfast' | 'medium';
  workDir: string;
}

export interface FinalCutResult {
  compliance: { mode: 'slate' | 'crawl'; startSec: number; endSec: number; words: number } | null;
  /** WebVTT of everything spoken and shown, in sync with the video. */
  captions: string;
  /** What pass 1 measured before normalisation; -Infinity when the ad is silent. */
  loudness: { measuredLufs: number; measuredTruePeakDb: number };
}
