import { isBlended, type OutputSpec } from '@app/domain';
import { AAC_OUTPUT_OPTIONS } from '../clip/audio.builder';
import { type FfmpegCommand } from '../ffmpeg/ffmpeg-command.types';
import { escapeFilterValue, formatSeconds } from '../ffmpeg/filter-syntax.util';
import { type WatermarkSpec } from './final-cut.types';
import { reframeGraph } from './reframe.builder';
import { joinGraph, type JoinClip } from './transition-graph.builder';
import { type FrameSize, typeLayout } from './type-layout.util';

/** The MP4 `comment` tag of every finished ad. */
export const COMPOSE_COMMENT = 'Reelsmith';

export interface FinalCutEncodeOutput {
  spec: FrameSize;
  path: string;
  reframe: 'crop' | 'blur';
  /** This output's ASS file, or null when it shows no text. */
  assPath: string | null;
}

/**
 * The ad's audio: the finished soundtrack (AAC, exactly the ad's length, levelled by the soundtrack
 * step), copied into every output as it is; or null, and a silent track is encoded.
 */
export type FinalCutAudio = { soundtrackPath: string } | null;

export interface FinalCutCommandRequest {
  clips: readonly JoinClip[];
  totalSec: number;
  master: OutputSpec;
  outputs: readonly FinalCutEncodeOutput[];
  logo: (Pick<WatermarkSpec, 'position' | 'opacity'> & { path: string; heightPx: (spec: FrameSize) => number }) | null;
  audio: FinalCutAudio;
  metadata: Record<string, string>;
  preset: 'veryfast' | 'medium';
  fontsDir: string;
  /**
   * Encode only this stretch of every output (whole GOPs of an earlier cut), video alone, to be
   * joined between that cut's own packets (buildPatchJoinList); absent: the whole ad.
   */
  window?: { startSec: number; endSec: number };
}

const SILENCE = 'anullsrc=channel_layout=stereo:sample_rate=48000';
/**
 * The same AAC-LC 192k 48 kHz stereo, with the encoder's fast coder: at this bitrate it is
 * transparent for a music and voice bed and costs half the default (two-loop) coder's CPU time,
 * which the video encode running beside it would otherwise lose.
 */
export const FINAL_CUT_AAC_OPTIONS: readonly string[] = [...AAC_OUTPUT_OPTIONS, '-aac_coder', 'fast'];
const METADATA_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * `-metadata key=value` pairs, ours first so the request can override them. Keys are checked
 * (ffmpeg splits at the first `=`); values are passed as one argv entry each, so they are data.
 */
export function metadataOptions(metadata: Record<string, string>): string[] {
  const all: Record<string, string> = { comment: COMPOSE_COMMENT, ...metadata };
  return Object.entries(all).flatMap(([key, value]) => {
    if (!METADATA_KEY.test(key)) throw new RangeError(`not a metadata key: ${JSON.stringify(key)}`);
    return ['-metadata', `${key}=${String(value).replace(/\0/g, '')}`];
  });
}

/**
 * Every final cut has an IDR frame every CUT_GOP_SEC seconds and no B-frames, so a later cut that
 * differs only in a stretch of text can re-encode just the GOPs around that stretch and copy the
 * rest of this one's packets (a B-frame's decode time before its display time would let the concat
 * demuxer's out point leak the next GOP's first frame).
 */
export const CUT_GOP_SEC = 2;

/** The H.264 settings of a final cut and of any stretch re-encoded into it: the same, so they join. */
function videoEncodeOptions(fps: number, preset: string): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    preset,
    '-crf',
    '20',
    '-bf',
    '0',
    '-force_key_frames',
    `expr:gte(t,n_forced*${CUT_GOP_SEC})`,
    '-forced-idr',
    '1',
    '-pix_fmt',
    'yuv420p',
    '-r',
    String(fps),
  ];
}

function encodeOptions(
  fps: number,
  preset: string,
  totalSec: number,
  metadata: Record<string, string>,
  audioOptions: readonly string[],
): string[] {
  return [
    ...videoEncodeOptions(fps, preset),
    ...audioOptions,
    // use_metadata_tags keeps keys MP4 has no atom for (ai_generated, job_id, ...).
    '-movflags',
    '+faststart+use_metadata_tags',
    '-t',
    formatSeconds(totalSec),
    ...metadataOptions(metadata),
  ];
}

/**
 * The audio of every output, from input `index`: the soundtrack's AAC packets copied (no decode,
 * no filter, no encode), or a silent track encoded when there is nothing to hear.
 */
function audioSource(
  audio: FinalCutAudio,
  index: number,
): { input: FfmpegCommand['inputs'][number]; map: string; options: readonly string[] } {
  if (audio)
    return { input: { path: audio.soundtrackPath, options: [] }, map: `${index}:a:0`, options: ['-c:a', 'copy'] };
  return { input: { path: SILENCE, options: ['-f', 'lavfi'] }, map: `${index}:a:0`, options: FINAL_CUT_AAC_OPTIONS };
}

function logoPosition(position: WatermarkSpec['position'], spec: FrameSize): string {
  const L = typeLayout(spec);
  const x = position.endsWith('right') ? `main_w-overlay_w-${L.actionX}` : String(L.actionX);
  const y = position.startsWith('top') ? String(L.actionY) : `main_h-overlay_h-${L.actionY}`;
  return `x=${x}:y=${y}`;
}

/**
 * Every output of the ad in one ffmpeg process and one encode pass each: clips joined and blended
 * once at the master size, split per output, reframed, logo overlaid, that output's ASS burned in,
 * each encoded H.264 of exactly totalSec with the soundtrack's audio copied in.
 */
export function buildFinalCutCommand(req: FinalCutCommandRequest): FfmpegCommand {
  const fps = req.master.fps;
  if (req.outputs.length === 0) throw new RangeError('no outputs to encode');
  const { chains, label, frames } = joinGraph(req.clips, fps);
  if (Math.abs(frames - Math.round(req.totalSec * fps)) > 1) {
    throw new RangeError(`clips join to ${formatSeconds(frames / fps)}s but the ad is ${formatSeconds(req.totalSec)}s`);
  }
  const inputs: FfmpegCommand['inputs'] = req.clips.map((c) => ({ path: c.path, options: [] }));
  const n = req.outputs.length;
  const masters = n === 1 ? [label] : req.outputs.map((_, k) => `[m${k}]`);
  if (n > 1) chains.push(`${label}split=${n}${masters.join('')}`);

  const logo = req.logo;
  if (logo) {
    const logoInput = inputs.length;
    inputs.push({ path: logo.path, options: [] });
    const sources = n === 1 ? [`[${logoInput}:v]`] : req.outputs.map((_, k) => `[ls${k}]`);
    if (n > 1) chains.push(`[${logoInput}:v]split=${n}${sources.join('')}`);
    const opacity = Math.min(1, Math.max(0, logo.opacity));
    req.outputs.forEach((out, k) => {
      // A still image: scaled, faded and converted once, then repeated by overlay on every frame.
      chains.push(
        `${sources[k]}scale=w=-2:h=${logo.heightPx(out.spec)},format=rgba,colorchannelmixer=aa=${opacity}[logo${k}]`,
      );
    });
  }

  const audio = audioSource(req.audio, inputs.length);
  inputs.push(audio.input);

  const outputs = req.outputs.map((out, k) => {
    const reframed = reframeGraph(masters[k], req.master, out.spec, out.reframe, String(k));
    chains.push(...reframed.chains);
    let current = reframed.label;
    if (logo) {
      chains.push(`${current}[logo${k}]overlay=${logoPosition(logo.position, out.spec)}[wm${k}]`);
      current = `[wm${k}]`;
    }
    if (out.assPath) {
      chains.push(
        `${current}ass=filename=${escapeFilterValue(out.assPath)}:fontsdir=${escapeFilterValue(req.fontsDir)}[v${k}]`,
      );
      current = `[v${k}]`;
    }
    const { window } = req;
    return {
      path: out.path,
      options: window
        ? [
            '-map',
            current,
            // output seeking: the frames before the window are joined and drawn, but not encoded
            '-ss',
            formatSeconds(window.startSec),
            '-to',
            formatSeconds(window.endSec),
            '-an',
            ...videoEncodeOptions(fps, req.preset),
          ]
        : [
            '-map',
            current,
            '-map',
            audio.map,
            ...encodeOptions(fps, req.preset, req.totalSec, req.metadata, audio.options),
          ],
    };
  });
  if (req.window) inputs.pop(); // the audio input: a stretch is video alone
  return { inputs, filterComplex: chains.join(';'), outputs };
}

/** Whether the ad can keep the clips' own H.264: one output at the master size, nothing drawn, no blends. */
export function canStreamCopy(req: {
  clips: readonly JoinClip[];
  master: FrameSize;
  outputs: readonly { spec: FrameSize }[];
  overlays: boolean;
}): boolean {
  const [only] = req.outputs;
  return (
    req.outputs.length === 1 &&
    only.spec.width === req.master.width &&
    only.spec.height === req.master.height &&
    !req.overlays &&
    req.clips.every((c, i) => i === 0 || !isBlended(c.transitionIn))
  );
}

/** An ffconcat `file` line: the path single-quoted, a quote written as `'\''`; a newline cannot be listed. */
export function concatFileLine(path: string): string {
  if (/[\n\r]/.test(path)) throw new RangeError(`a clip path cannot contain a newline: ${JSON.stringify(path)}`);
  return `file '${path.replace(/'/g, `'\\''`)}'`;
}

/** An ffconcat list of `paths`, one after another. */
export function buildConcatList(paths: readonly string[]): string {
  return ['ffconcat version 1.0', ...paths.map(concatFileLine), ''].join('\n');
}

/**
 * The ad when nothing has to be drawn: the clips' H.264 packets copied through the concat demuxer
 * (no decode, no encode), muxed with the soundtrack.
 */
export function buildStreamCopyCommand(req: {
  concatListPath: string;
  totalSec: number;
  outPath: string;
  audio: FinalCutAudio;
  metadata: Record<string, string>;
}): FfmpegCommand {
  const audio = audioSource(req.audio, 1);
  return {
    inputs: [{ path: req.concatListPath, options: ['-f', 'concat', '-safe', '0'] }, audio.input],
    outputs: [
      {
        path: req.outPath,
        options: [
          '-map',
          '0:v:0',
          '-map',
          audio.map,
          '-c:v',
          'copy',
          ...audio.options,
          '-movflags',
          '+faststart+use_metadata_tags',
          '-t',
          formatSeconds(req.totalSec),
          ...metadataOptions(req.metadata),
        ],
      },
    ],
  };
}
