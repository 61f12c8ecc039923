import { normalisedClipOptions } from '../clip/clip-encode';
import { COLOUR_PLANES, type ColourPlane, type ColourStats } from './colour-match.stats';
import { type FfmpegCommand } from '../ffmpeg/ffmpeg-command.types';

/** One plane's correction: `out = gain * in + offset`, in 8-bit code values. */
export interface PlaneCorrection {
  gain: number;
  offset: number;
}

export type ColourCorrection = Record<ColourPlane, PlaneCorrection>;

/**
 * How far a correction may go. Measured frames differ in content as well as in grade, so the
 * limits keep a deliberate change (a darker room, a warmer light) from being graded away.
 */
export interface ColourMatchLimits {
  /** Range of every plane's gain (contrast for Y, saturation for U and V). */
  minGain: number;
  maxGain: number;
  /** Largest change of the luma mean, in code values. */
  maxLumaShift: number;
  /** Largest change of either chroma mean, in code values. */
  maxChromaShift: number;
  /** Below this `colourDistance` the clip is left alone. */
  minDistance: number;
}

export const DEFAULT_COLOUR_MATCH_LIMITS: Readonly<ColourMatchLimits> = {
  minGain: 0.7,
  maxGain: 1.4,
  maxLumaShift: 32,
  maxChromaShift: 16,
  minDistance: 3,
};

/** A plane this flat has no contrast to match; a ratio of two tiny deviations is noise. */
const MIN_STD = 1;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * Mean and deviation transfer per plane (Reinhard et al. 2001, in Y'CbCr rather than lαβ): the
 * clip's spread around its mean is scaled to the reference's and its mean moved to the
 * reference's, both within `limits`.
 */
export function planColourCorrection(
  reference: ColourStats,
  clip: ColourStats,
  limits: ColourMatchLimits = DEFAULT_COLOUR_MATCH_LIMITS,
): ColourCorrection {
  const plane = (p: ColourPlane): PlaneCorrection => {
    const src = clip[p];
    const ref = reference[p];
    const gain = src.std < MIN_STD ? 1 : clamp(ref.std / src.std, limits.minGain, limits.maxGain);
    const maxShift = p === 'y' ? limits.maxLumaShift : limits.maxChromaShift;
    const shift = clamp(ref.mean - src.mean, -maxShift, maxShift);
    return { gain, offset: src.mean + shift - gain * src.mean };
  };
  return { y: plane('y'), u: plane('u'), v: plane('v') };
}

/** The statistics `stats` would have after `correction`, were nothing clipped at 0 or 255. */
export function correctedStats(stats: ColourStats, correction: ColourCorrection): ColourStats {
  const plane = (p: ColourPlane) => ({
    mean: correction[p].gain * stats[p].mean + correction[p].offset,
    std: correction[p].gain * stats[p].std,
  });
  return { y: plane('y'), u: plane('u'), v: plane('v') };
}

/**
 * Frames are measured at this size: averaging away fine texture and encoder noise leaves the grade,
 * and the area filter makes the figure independent of the source size. Both frames being compared
 * are squeezed to it, so a portrait clip's stretch cancels out.
 */
export const COLOUR_SAMPLE_WIDTH = 256;
export const COLOUR_SAMPLE_HEIGHT = 144;

/** Where a sample comes from: a still (the chain's first keyframe) or a clip's last frame. */
export type ColourSampleSource = 'image' | 'last-frame';

/**
 * One frame as rawvideo `yuv444p` at the sample size, for `yuv444pStats`. A clip's last frame is
 * found as `buildLastFrameCommand` finds it (last second, reversed). An RGB still is converted with
 * ffmpeg's default matrix, the same one that made it from an untagged clip, so both samples land
 * in the clip's own code values. An image is read literally (`-pattern_type none`): a work dir
 * may contain `[ ]`, which the image2 demuxer would otherwise take for a glob.
 */
export function buildColourSampleCommand(path: string, outRaw: string, source: ColourSampleSource): FfmpegCommand {
  const size = `scale=${COLOUR_SAMPLE_WIDTH}:${COLOUR_SAMPLE_HEIGHT}:flags=area+accurate_rnd,format=yuv444p`;
  const last = source === 'last-frame';
  return {
    inputs: [{ path, options: last ? ['-sseof', '-1'] : ['-f', 'image2', '-pattern_type', 'none'] }],
    outputs: [
      {
        path: outRaw,
        options: ['-map', '0:v:0', '-vf', last ? `reverse,${size}` : size, '-frames:v', '1', '-f', 'rawvideo'],
      },
    ],
  };
}

/**
 * `gain * val + offset` for lutyuv. The lut truncates its result (then clips it to 0..255), so
 * half a level is added to round instead; the result is not clipped to the 16..235 video range,
 * which would crush whatever the model put outside it.
 */
function lutExpression({ gain, offset }: PlaneCorrection): string {
  const rounded = offset + 0.5;
  return `val*${gain.toFixed(5)}${rounded < 0 ? '-' : '+'}${Math.abs(rounded).toFixed(4)}`;
}

/**
 * The correction ramped over the clip: nothing on frame 0 (the previous clip's last frame, already
 * matched, so the cut stays invisible) to all of it on the last frame, linearly, as drift grows.
 * The graded copy gets an alpha plane that `fade` raises from 0 to 255 frame by frame and is
 * overlaid on the untouched clip, so every frame is `original + k/(frames-1) * (graded - original)`,
 * and frame 0 comes out bit-exact. One 256-entry lut per plane and one blend per pixel: no
 * per-pixel expression (`geq`, `blend=all_expr`) and no RGB round trip.
 */
export function colourMatchGraph(correction: ColourCorrection, frames: number): string {
  if (!Number.isInteger(frames) || frames < 2) throw new RangeError(`a ramp needs at least 2 frames, got ${frames}`);
  const lut = COLOUR_PLANES.map((p) => `${p}=${lutExpression(correction[p])}`).join(':');
  return [
    '[0:v]split[orig][graded]',
    `[graded]lutyuv=${lut},format=yuva420p,fade=t=in:s=0:n=${frames - 1}:alpha=1[ramp]`,
    '[orig][ramp]overlay=format=yuv420:eof_action=pass,format=yuv420p[v]',
  ].join(';');
}

export interface ColourMatchCommandRequest {
  clipPath: string;
  outPath: string;
  fps: number;
  /** The clip's frame count: the ramp's length and the encode's exact `-frames:v`. */
  frames: number;
  correction: ColourCorrection;
}

/** The matched clip, encoded like every other clip (`normalisedClipOptions`), so length and size stay exact. */
export function buildColourMatchCommand(req: ColourMatchCommandRequest): FfmpegCommand {
  if (req.clipPath === req.outPath) throw new RangeError('colour matching cannot write over the clip it reads');
  return {
    inputs: [{ path: req.clipPath, options: [] }],
    filterComplex: colourMatchGraph(req.correction, req.frames),
    outputs: [{ path: req.outPath, options: normalisedClipOptions(req.fps, req.frames) }],
  };
}

export interface ColourMatchRequest {
  /** A normalised clip (`normalisedClipOptions`) whose first frame is the previous clip's last. */
  clipPath: string;
  /** The chain's first keyframe: the first frame of its first scene, as a PNG. */
  referencePath: string;
  /** Written only when the correction is applied; otherwise the caller keeps `clipPath`. */
  outPath: string;
  /** Per-job directory for the raw samples. */
  workDir: string;
  fps: number;
  frames: number;
  limits?: Partial<ColourMatchLimits>;
}

/** What was measured and done, for the caller to record on the scene. Distances are `colourDistance`. */
export interface ColourMatchResult {
  applied: boolean;
  /** The reference against the clip's last frame. */
  distanceBefore: number;
  /** The reference against the output's last frame, measured; `distanceBefore` when not applied. */
  distanceAfter: number;
  correction: ColourCorrection | null;
  reference: ColourStats;
  lastFrameBefore: ColourStats;
  lastFrameAfter: ColourStats;
}
