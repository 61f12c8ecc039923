import { type FfmpegCommand } from '@app/media';

/** The pixel size a model takes its frames at. */
export interface FrameSize {
  width: number;
  height: number;
}

/** Which frames of a video to read: a fixed rate, or a fixed count spread over the duration. */
export type FrameSampling = { fps: number } | { frames: number };

/**
 * `area` averages every source pixel into the small frame, so a 1080p frame shrinks without
 * aliasing; models see the picture's content, not which pixels the scaler happened to pick.
 */
function scaleFilter(size: FrameSize): string {
  if (![size.width, size.height].every((n) => Number.isInteger(n) && n > 0)) {
    throw new RangeError(`not a frame size: ${size.width}x${size.height}`);
  }
  return `scale=${size.width}:${size.height}:flags=area`;
}

/** A rate as the `fps` filter reads it: no exponent, no float noise. */
function formatRate(fps: number): string {
  return String(Math.round(fps * 1e6) / 1e6);
}

/** Packed 8-bit RGB with no container: a reader only has to divide the bytes into frames. */
const RAW_RGB = ['-f', 'rawvideo', '-pix_fmt', 'rgb24'];

/** The first frame of an image or video, scaled, as raw RGB. */
export function buildFirstFrameTensorCommand(inputPath: string, size: FrameSize, outRaw: string): FfmpegCommand {
  return {
    inputs: [{ path: inputPath, options: [] }],
    outputs: [{ path: outRaw, options: ['-map', '0:v:0', '-vf', scaleFilter(size), '-frames:v', '1', ...RAW_RGB] }],
  };
}

/**
 * The last frame of a video, scaled, as raw RGB. Only the final second is decoded (a short clip
 * decodes from its start) and `reverse` hands its last frame out first; frames are scaled before
 * `reverse` buffers them.
 */
export function buildLastFrameTensorCommand(videoPath: string, size: FrameSize, outRaw: string): FfmpegCommand {
  return {
    inputs: [{ path: videoPath, options: ['-sseof', '-1'] }],
    outputs: [
      {
        path: outRaw,
        options: ['-map', '0:v:0', '-vf', `${scaleFilter(size)},reverse`, '-frames:v', '1', ...RAW_RGB],
      },
    ],
  };
}

/** A steady output rate, and for a frame count the cap that stops at exactly that many. */
export interface SamplingRate {
  fps: number;
  maxFrames?: number;
}

/**
 * The rate that realises a sampling. A fixed rate needs no duration (the `fps` filter stops with
 * the input); a count is spread over `durationSec`, which only then has to be probed.
 */
export function samplingRate(sampling: FrameSampling, durationSec?: number): SamplingRate {
  if ('fps' in sampling) {
    if (!(sampling.fps >= 1e-3 && Number.isFinite(sampling.fps))) {
      throw new RangeError(`not a sampling rate: ${sampling.fps}`);
    }
    return { fps: sampling.fps };
  }
  if (!(Number.isInteger(sampling.frames) && sampling.frames > 0)) {
    throw new RangeError(`not a frame count: ${sampling.frames}`);
  }
  if (!(durationSec !== undefined && durationSec > 0)) {
    throw new RangeError(`cannot spread frames over a duration of ${durationSec}s`);
  }
  return { fps: sampling.frames / durationSec, maxFrames: sampling.frames };
}

/**
 * Frames at a steady rate from the start of a video, scaled, as raw RGB: frame i shows time
 * i / fps. The `fps` filter picks the source frame nearest each of those times, dropping or
 * repeating frames as the rates require; it comes after `scale` so a repeated frame is scaled once.
 */
export function buildSampledFramesTensorCommand(
  videoPath: string,
  size: FrameSize,
  rate: SamplingRate,
  outRaw: string,
): FfmpegCommand {
  const cap = rate.maxFrames === undefined ? [] : ['-frames:v', String(rate.maxFrames)];
  return {
    inputs: [{ path: videoPath, options: [] }],
    outputs: [
      {
        path: outRaw,
        options: ['-map', '0:v:0', '-vf', `${scaleFilter(size)},fps=${formatRate(rate.fps)}`, ...cap, ...RAW_RGB],
      },
    ],
  };
}
