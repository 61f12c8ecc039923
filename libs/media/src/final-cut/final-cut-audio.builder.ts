import { type FfmpegCommand } from '../ffmpeg/ffmpeg-command.types';
import { escapeFilterValue, formatSeconds } from '../ffmpeg/filter-syntax.util';
import { FINAL_CUT_AAC_OPTIONS } from './final-cut.builder';

/** The music bed fades out over the last second of the ad. */
export const MUSIC_FADE_OUT_SEC = 1;

/**
 * Where a narration line's audio comes from: ffmpeg's own flite synthesiser reading a text file,
 * or an audio file a TTS service already rendered. The mix treats both alike, so a real voice
 * can replace flite without touching the rest of the graph.
 */
export type VoiceSource = { kind: 'flite'; textFilePath: string; voice: string } | { kind: 'file'; path: string };

export interface VoiceLine {
  source: VoiceSource;
  startSec: number;
  endSec: number;
  /** Speaking speed factor (major statement: a little slower than the rest); 1 when unset. */
  tempo?: number;
}

export interface AudioMixRequest {
  totalSec: number;
  musicPath: string | null;
  voices: readonly VoiceLine[];
  /** Major statement: spans over which the music is held down by STATEMENT_DUCK_GAIN on top of the ducker. */
  duckWindows?: readonly { startSec: number; endSec: number }[];
  /** Also label the stems (music before and after ducking, voice) for measurement. */
  stems?: boolean;
}

export interface AudioMixGraph {
  /** Audio inputs in the order the graph numbers them (from 0). */
  inputs: FfmpegCommand['inputs'];
  chains: string[];
  /** The mixed bed's label, or null when there is nothing to hear. */
  label: string | null;
  /** With `stems`: labels of the music as made, the music as mixed (ducked) and the voice. */
  stems?: { music: string | null; ducked: string | null; voice: string | null };
}

// --- major statement (issue 17): the music sits at least 12 dB under the statement ---
/** Gain on the music under the major statement (−16 dB), ramped over STATEMENT_DUCK_RAMP_SEC, before the ducker. */
export const STATEMENT_DUCK_GAIN = 0.16;
export const STATEMENT_DUCK_RAMP_SEC = 0.3;

/** A volume expression that is 1 outside the windows and STATEMENT_DUCK_GAIN inside, with short ramps. */
export function statementDuckFilter(windows: readonly { startSec: number; endSec: number }[]): string | null {
  if (!windows.length) return null;
  const r = STATEMENT_DUCK_RAMP_SEC;
  const inside = windows
    .map(
      (w) =>
        `min(clip((t-${formatSeconds(w.startSec - r)})/${r},0,1),clip((${formatSeconds(w.endSec + r)}-t)/${r},0,1))`,
    )
    .join('+');
  return `volume=volume='1-${1 - STATEMENT_DUCK_GAIN}*min(1,${inside})':eval=frame`;
}

export interface LoudnessTarget {
  integratedLufs: number;
  truePeakDb: number;
  lra: number;
}

/** What loudnorm's first pass measured (its JSON `input_*` and `target_offset`). */
export interface LoudnormMeasurement {
  integratedLufs: number;
  truePeakDb: number;
  lra: number;
  thresholdLufs: number;
  offsetLu: number;
}

export const FLITE_VOICE = 'slt';
/** A short fade where a line is cut at its scene's end, so a trimmed word ends without a click. */
const VOICE_CUT_FADE_SEC = 0.05;
const MIX_RATE = 48000;
/** Every part of the bed, and the bed itself, at 48 kHz float stereo. */
export const BED_FORMAT = `aresample=${MIX_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo`;
/**
 * Ducking: the voice is the key; over about -34 dBFS of speech the music drops by up to 8:1,
 * quickly enough not to mask the first syllable, slowly back so the bed does not pump between words.
 */
export const DUCKING = 'sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400';

function voiceChain(line: VoiceLine, input: number | null, totalSec: number): string {
  const tempo = line.tempo && line.tempo !== 1 ? `atempo=${line.tempo},` : '';
  const end = Math.min(line.endSec, totalSec);
  const start = Math.max(0, Math.min(line.startSec, end));
  const source =
    line.source.kind === 'flite'
      ? `flite=textfile=${escapeFilterValue(line.source.textFilePath)}:voice=${escapeFilterValue(line.source.voice)},`
      : `[${input}:a]`;
  return (
    `${source}${tempo}${BED_FORMAT},` +
    // Delay in samples, so the line starts on the exact sample its scene does.
    `adelay=delays=${Math.round(start * MIX_RATE)}S:all=1,` +
    `atrim=end=${formatSeconds(end)},` +
    `afade=t=out:st=${formatSeconds(Math.max(start, end - VOICE_CUT_FADE_SEC))}:d=${formatSeconds(VOICE_CUT_FADE_SEC)}`
  );
}

/**
 * The sound bed: music trimmed to the ad and faded out, every narration line placed at its start
 * and cut at its scene's end, the music ducked under the voice and the two summed (no
 * normalisation, so levels do not depend on how many lines there are). Loudness is set later.
 */
export function audioMixGraph(req: AudioMixRequest): AudioMixGraph {
  const total = formatSeconds(req.totalSec);
  const inputs: FfmpegCommand['inputs'] = [];
  const chains: string[] = [];
  let music: string | null = null;
  if (req.musicPath) {
    inputs.push({ path: req.musicPath, options: [] });
    const fadeStart = formatSeconds(Math.max(0, req.totalSec - MUSIC_FADE_OUT_SEC));
    const fadeLength = formatSeconds(Math.min(MUSIC_FADE_OUT_SEC, req.totalSec));
    chains.push(
      `[0:a]atrim=end=${total},asetpts=PTS-STARTPTS,${BED_FORMAT},apad=whole_dur=${total},` +
        `afade=t=out:st=${fadeStart}:d=${fadeLength}[music]`,
    );
    music = '[music]';
  }
  const stems: NonNullable<AudioMixGraph['stems']> = { music: null, ducked: null, voice: null };
  // Major statement: the stem of the music as made is split off before it is held down.
  if (music && req.stems) {
    chains.push(`${music}asplit=2[music_made][stem_music]`);
    music = '[music_made]';
    stems.music = '[stem_music]';
  }
  const duck = music ? statementDuckFilter(req.duckWindows ?? []) : null;
  if (music && duck) {
    chains.push(`${music}${duck}[music_held]`);
    music = '[music_held]';
  }

  const voices = req.voices.filter((v) => Math.min(v.endSec, req.totalSec) > Math.max(0, v.startSec));
  voices.forEach((line, i) => {
    let input: number | null = null;
    if (line.source.kind === 'file') {
      input = inputs.length;
      inputs.push({ path: line.source.path, options: [] });
    }
    chains.push(`${voiceChain(line, input, req.totalSec)}[v${i}]`);
  });
  let voice: string | null = null;
  if (voices.length) {
    const lines = voices.map((_, i) => `[v${i}]`).join('');
    const sum = voices.length > 1 ? `amix=inputs=${voices.length}:normalize=0:duration=longest,` : '';
    // Padded to the ad: the ducker stops at the end of its key, and the bed must not.
    const outs = [...(music ? ['[vkey]'] : []), '[voice]', ...(req.stems ? ['[stem_voice]'] : [])];
    chains.push(
      `${lines}${sum}apad=whole_dur=${total}${outs.length > 1 ? `,asplit=${outs.length}${outs.join('')}` : '[voice]'}`,
    );
    voice = '[voice]';
    if (req.stems) stems.voice = '[stem_voice]';
  }
  const withStems = (g: AudioMixGraph): AudioMixGraph => (req.stems ? { ...g, stems } : g);

  if (music && voice) {
    if (req.stems) {
      chains.push(`${music}[vkey]${DUCKING},asplit=2[ducked][stem_ducked]`);
      stems.ducked = '[stem_ducked]';
    } else chains.push(`${music}[vkey]${DUCKING}[ducked]`);
    chains.push(`[ducked]${voice}amix=inputs=2:normalize=0:duration=first[mix]`);
    return withStems({ inputs, chains, label: '[mix]' });
  }
  if (music && req.stems) {
    chains.push(`${music}asplit=2[music_out][stem_ducked]`);
    stems.ducked = '[stem_ducked]';
    return withStems({ inputs, chains, label: '[music_out]' });
  }
  return withStems({ inputs, chains, label: music ?? voice });
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const fixed = (v: number) => String(Math.round(v * 100) / 100);

/**
 * Room left under the true-peak limit for the AAC encoder, whose output overshoots the PCM it was
 * given by a few tenths of a dB; loudnorm aims this far below the limit so the file stays under it.
 */
export const CODEC_PEAK_HEADROOM_DB = 0.5;

/** loudnorm's own options for a target; measurement and mode are added per pass. */
function loudnormTarget(target: LoudnessTarget): string {
  const truePeak = Math.max(-9, target.truePeakDb - CODEC_PEAK_HEADROOM_DB);
  return `loudnorm=I=${target.integratedLufs}:TP=${fixed(truePeak)}:LRA=${target.lra}`;
}

/**
 * Pass 1, audio only: the bed is rendered once to a float WAV (lossless, for pass 2 to read, so
 * the voices are not synthesised and the mix not run again) and measured by loudnorm, which
 * prints its JSON summary on stderr.
 */
export function buildLoudnessPass1Command(mix: AudioMixGraph, target: LoudnessTarget, wavPath: string): FfmpegCommand {
  if (!mix.label) throw new RangeError('nothing to measure: the ad has no music and no narration');
  return {
    inputs: mix.inputs,
    filterComplex: [
      ...mix.chains,
      `${mix.label}asplit=2[bed][measure]`,
      `[measure]${loudnormTarget(target)}:print_format=json[measured]`,
    ].join(';'),
    outputs: [
      { path: wavPath, options: ['-map', '[bed]', '-c:a', 'pcm_f32le'] },
      { path: '-', options: ['-map', '[measured]', '-f', 'null'] },
    ],
  };
}

const SILENT_BED = 'anullsrc=channel_layout=stereo:sample_rate=48000';

/**
 * Pass 2, audio only: the bed pass 1 rendered, levelled (`bedLevelFilter`), padded and cut to the
 * ad's exact length and encoded once to AAC in an .m4a: the finished soundtrack the final cut
 * copies into every output. A null bed makes a silent soundtrack of the same length and format.
 */
export function buildSoundtrackCommand(req: {
  wavPath: string | null;
  levelFilter: string;
  totalSec: number;
  outPath: string;
}): FfmpegCommand {
  const total = formatSeconds(req.totalSec);
  const input = req.wavPath ? { path: req.wavPath, options: [] } : { path: SILENT_BED, options: ['-f', 'lavfi'] };
  const level = req.wavPath ? `${req.levelFilter},` : '';
  return {
    inputs: [input],
    filterComplex: `[0:a]${level}apad=whole_dur=${total},atrim=end=${total}[soundtrack]`,
    outputs: [
      {
        path: req.outPath,
        options: ['-map', '[soundtrack]', '-vn', ...FINAL_CUT_AAC_OPTIONS, '-movflags', '+faststart', '-t', total],
      },
    ],
  };
}

/**
 * Pass 2: loudnorm with pass 1's measurements and `linear=true`, which applies one gain to the
 * whole bed when that keeps the true peak under the limit (and falls back to its dynamic mode
 * when it would not). loudnorm works at 192 kHz, so it is brought back to 48 kHz after.
 * Values are clamped to loudnorm's option ranges.
 */
export function loudnormPass2Filter(target: LoudnessTarget, measured: LoudnormMeasurement): string {
  return (
    `${loudnormTarget(target)}` +
    `:measured_I=${fixed(clamp(measured.integratedLufs, -99, 0))}` +
    `:measured_TP=${fixed(clamp(measured.truePeakDb, -99, 99))}` +
    `:measured_LRA=${fixed(clamp(measured.lra, 0, 99))}` +
    `:measured_thresh=${fixed(clamp(measured.thresholdLufs, -99, 0))}` +
    `:offset=${fixed(clamp(measured.offsetLu, -99, 99))}` +
    `:linear=true,${BED_FORMAT}`
  );
}

/** Whether pass 1 heard anything loudnorm can normalise (a silent bed measures -inf). */
export function isMeasurable(measured: LoudnormMeasurement): boolean {
  return Number.isFinite(measured.integratedLufs) && measured.integratedLufs > -70;
}

/** Pass 2's level for the bed: loudnorm from pass 1's measurement, or nothing for a silent bed. */
export function bedLevelFilter(target: LoudnessTarget, measured: LoudnormMeasurement): string {
  return isMeasurable(measured) ? loudnormPass2Filter(target, measured) : BED_FORMAT;
}

function loudnormNumber(value: unknown): number {
  if (value === '-inf') return -Infinity;
  if (value === 'inf') return Infinity;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) {
    throw new RangeError(`loudnorm printed an unreadable value: ${JSON.stringify(value)}`);
  }
  return n;
}

/** The last JSON block loudnorm printed among ffmpeg's stderr lines. */
export function parseLoudnormJson(lines: readonly string[]): LoudnormMeasurement {
  const end = lines.findLastIndex((l) => l.trim() === '}');
  let start = end;
  while (start >= 0 && lines[start].trim() !== '{') start--;
  if (end < 0 || start < 0) throw new RangeError('loudnorm printed no JSON summary');
  const json = JSON.parse(lines.slice(start, end + 1).join('\n')) as Record<string, unknown>;
  return {
    integratedLufs: loudnormNumber(json.input_i),
    truePeakDb: loudnormNumber(json.input_tp),
    lra: loudnormNumber(json.input_lra),
    thresholdLufs: loudnormNumber(json.input_thresh),
    offsetLu: loudnormNumber(json.target_offset),
  };
}
