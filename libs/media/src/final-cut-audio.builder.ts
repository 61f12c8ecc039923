import { type FfmpegCommand } from './ffmpeg-command.types';
import { escapeFilterValue, formatSeconds } from './filter-syntax.util';

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
}

export interface AudioMixRequest {
  totalSec: number;
  musicPath: string | null;
  voices: readonly VoiceLine[];
}

export interface AudioMixGraph {
  /** Audio inputs in the order the graph numbers them (from 0). */
  inputs: FfmpegCommand['inputs'];
  chains: string[];
  /** The mixed bed's label, or null when there is nothing to hear. */
  label: string | null;
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
  const end = Math.min(line.endSec, totalSec);
  const start = Math.max(0, Math.min(line.startSec, end));
  const source =
    line.source.kind === 'flite'
      ? `flite=textfile=${escapeFilterValue(line.source.textFilePath)}:voice=${escapeFilterValue(line.source.voice)},`
      : `[${input}:a]`;
  return (
    `${source}${BED_FORMAT},` +
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
    chains.push(`${lines}${sum}apad=whole_dur=${total}${music ? ',asplit=2[vkey][voice]' : '[voice]'}`);
    voice = '[voice]';
  }

  if (music && voice) {
    chains.push(`${music}[vkey]${DUCKING}[ducked]`, `[ducked]${voice}amix=inputs=2:normalize=0:duration=first[mix]`);
    return { inputs, chains, label: '[mix]' };
  }
  return { inputs, chains, label: music ?? voice };
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
