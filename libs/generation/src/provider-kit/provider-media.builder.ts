import { type OutputSpec } from '@app/domain';
import { AAC_OUTPUT_OPTIONS, type FfmpegCommand, formatSeconds, normalisedClipOptions } from '@app/media';

export interface NormaliseClipRequest {
  inputPath: string;
  outPath: string;
  spec: OutputSpec;
  /** the exact length the pipeline asked for */
  durationSec: number;
  /** >= 1: stretch the model's clip by this much (a model that makes shorter clips than the scene) */
  slowdown: number;
}

/** Frames in a clip of `durationSec` at `fps`: the count every normalised clip has exactly. */
export function clipFrames(durationSec: number, fps: number): number {
  return Math.max(1, Math.round(durationSec * fps));
}

/**
 * A provider's clip as the composer expects every clip: the spec's size (scaled to cover, centred
 * crop, so a model that ignored the aspect ratio is reframed), rate, yuv420p H.264, no audio, and
 * exactly `durationSec`: longer clips are cut, slowed ones retimed, short ones hold their last frame.
 */
export function buildNormaliseClipCommand(req: NormaliseClipRequest): FfmpegCommand {
  const { width, height, fps } = req.spec;
  const frames = clipFrames(req.durationSec, fps);
  const video = [
    `setpts=${formatSeconds(req.slowdown)}*(PTS-STARTPTS)`,
    `fps=${fps}`,
    `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=lanczos`,
    `crop=${width}:${height}`,
    'setsar=1',
    'format=yuv420p',
    `tpad=stop_mode=clone:stop_duration=${formatSeconds(req.durationSec)}`,
  ];
  return {
    inputs: [{ path: req.inputPath, options: [] }],
    filterComplex: `[0:v:0]${video.join(',')}[v]`,
    outputs: [
      {
        path: req.outPath,
        options: normalisedClipOptions(fps, frames),
      },
    ],
  };
}

export interface MusicBedRequest {
  inputPath: string;
  outPath: string;
  durationSec: number;
  fadeInSec?: number;
  fadeOutSec?: number;
}

export const MUSIC_BED_FADE_IN_SEC = 0.05;
export const MUSIC_BED_FADE_OUT_SEC = 1.5;

/**
 * A provider's track as the bed the composer mixes: exactly `durationSec` (cut, or padded with
 * silence when the model made less), a short fade in against clicks and a fade out so the cut is
 * never heard, AAC-LC in an .m4a like the embedded synthesiser's.
 */
export function buildMusicBedCommand(req: MusicBedRequest): FfmpegCommand {
  const d = req.durationSec;
  const fadeIn = Math.min(req.fadeInSec ?? MUSIC_BED_FADE_IN_SEC, d / 4);
  const fadeOut = Math.min(req.fadeOutSec ?? MUSIC_BED_FADE_OUT_SEC, d / 3);
  const audio = [
    'aresample=48000',
    `apad=whole_dur=${formatSeconds(d)}`,
    `atrim=end=${formatSeconds(d)}`,
    'asetpts=PTS-STARTPTS',
    `afade=t=in:st=0:d=${formatSeconds(fadeIn)}`,
    `afade=t=out:st=${formatSeconds(d - fadeOut)}:d=${formatSeconds(fadeOut)}`,
  ];
  return {
    inputs: [{ path: req.inputPath, options: [] }],
    filterComplex: `[0:a:0]${audio.join(',')}[a]`,
    outputs: [
      {
        path: req.outPath,
        options: [
          '-map',
          '[a]',
          '-vn',
          ...AAC_OUTPUT_OPTIONS,
          '-profile:a',
          'aac_low',
          '-t',
          formatSeconds(d),
          '-movflags',
          '+faststart',
        ],
      },
    ],
  };
}

/** A generated image as a PNG of exactly `width` x `height` (cover and centre crop). */
export function buildFitImageCommand(inputPath: string, outPath: string, width: number, height: number): FfmpegCommand {
  return {
    inputs: [{ path: inputPath, options: [] }],
    outputs: [
      {
        path: outPath,
        options: [
          '-map',
          '0:v:0',
          '-vf',
          `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=lanczos,crop=${width}:${height},setsar=1`,
          '-frames:v',
          '1',
          '-pix_fmt',
          'rgb24',
          '-update',
          '1',
        ],
      },
    ],
  };
}
