import {
  type AspectRatio,
  type MajorStatementPlan,
  type OutputSpec,
  type StatementMeasurements,
  type TransitionIn,
} from '@app/domain';

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
  /** A line of the major statement: said a little slower, the music held down under it. */
  role?: 'statement';
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
    /** With `statement`, the major statement is spoken and shown line by line instead of a slate or crawl. */
    compliance: { text: string; statement?: MajorStatementPlan } | null;
    /** Family libass asks fontconfig for; the brand font or 'DejaVu Sans'. */
    fontName: string;
    /** '#RRGGBB'; anything else is ignored. */
    brandColors: string[];
  };
  /**
   * What the soundtrack is made of (the narration also times the captions) and, when the
   * soundtrack step already made it, that soundtrack, copied in as it is; without it the
   * soundtrack is made here first.
   */
  audio: SoundtrackMix & { made?: MadeSoundtrack | null };
  watermark: WatermarkSpec | null;
  /** Written into every MP4 as tags (keys: letters, digits, `_ . -`). */
  metadata: Record<string, string>;
  preset: 'veryfast' | 'medium';
  workDir: string;
  /**
   * The same picture cut before (the same clips, joins, formats, logo and preset), one entry per
   * output: its video and the ASS script drawn on it. A cut whose text differs only in a stretch
   * re-encodes the GOPs around that stretch and copies the rest of the earlier cut's packets.
   */
  previous?: { outputs: Array<{ videoPath: string; ass: string | null }> } | null;
}

/** What a soundtrack is made of: music, voiceover lines, and the loudness it is levelled to. */
export interface SoundtrackMix {
  musicPath: string | null;
  narration: NarrationLine[];
  loudness: { integratedLufs: number; truePeakDb: number; lra: number };
  /**
   * Major statement (issue 17): its window, when the ad has one. The music is held down under it
   * and the stems it is measured on are written beside the soundtrack.
   */
  statement?: { startSec: number; endSec: number } | null;
}

/** What was measured before normalisation; -Infinity when the ad is silent. */
export interface SoundtrackLoudness {
  measuredLufs: number;
  measuredTruePeakDb: number;
}

/** A finished soundtrack: AAC in an .m4a, exactly the ad's length, at its loudness. */
export interface MadeSoundtrack {
  path: string;
  loudness: SoundtrackLoudness;
  /** Major statement (issue 17): the bed's parts, for measuring it; null without a statement. */
  stems?: StatementStems | null;
  /** Major statement (issue 17): what those parts measured, when the soundtrack step measured them */
  statementAudio?: Omit<StatementMeasurements, 'formats'> | null;
}

/** What the soundtrack measured, and the stems written beside it (major statement only). */
export interface SoundtrackResult extends SoundtrackLoudness {
  stems: StatementStems | null;
}

export interface SoundtrackRequest extends SoundtrackMix {
  totalSec: number;
  outPath: string;
  workDir: string;
}

export interface FinalCutResult {
  /** The major statement as laid out (null without one), and the audio stems the bed was made of, for measurement. */
  statement?: {
    plan: MajorStatementPlan;
    stems: StatementStems | null;
    /** when the text watermark was on screen (none without one): never inside the statement's window */
    watermarkTextSpans: Array<{ startSec: number; endSec: number }>;
  } | null;
  compliance: { mode: 'slate' | 'crawl'; startSec: number; endSec: number; words: number } | null;
  /** WebVTT of everything spoken and shown, in sync with the video. */
  captions: string;
  /** What the soundtrack measured before normalisation; -Infinity when the ad is silent. */
  loudness: SoundtrackLoudness;
  /** The ASS script drawn on each output (null: no text), for a later cut to compare with. */
  scripts: Array<string | null>;
  /**
   * What was made anew: 'all' (the whole ad, from the clips); the stretch of an earlier cut that was
   * re-encoded, the rest of it copied; or 'none' when the earlier cut's video was copied whole.
   */
  encoded: 'all' | 'none' | { startSec: number; endSec: number };
}

/** WAVs of the bed's parts over the whole ad (major statement measurement). */
export interface StatementStems {
  musicPath: string | null;
  duckedPath: string | null;
  voicePath: string;
}
