import { type GenerationUsage } from '../generation.ports';
import { ProviderError } from '../throughput/provider.errors';
import { Errors } from '@app/domain';
import { FRAME_SIZE, type ModelProfile } from './model-profile.schema';

const EPSILON = 1e-6;

export interface VideoAsk {
  width: number;
  height: number;
  /** the exact clip length the pipeline needs */
  durationSec: number;
  firstFrame?: boolean;
  lastFrame?: boolean;
}

/** What to ask the model for, and how its answer is fitted back to the ask. */
export interface ClampedVideoRequest {
  /** generation size: the ask's aspect, within the model's limits, on its size grid (or the nearest size it makes) */
  width: number;
  height: number;
  fps: number;
  /** frames to request from frame-based models; null where the model only takes a length */
  numFrames: number | null;
  /** seconds the model will make */
  modelSec: number;
  /** >= 1: how much the clip is slowed in normalisation to cover `durationSec` */
  slowdown: number;
  durationSec: number;
  firstFrame: boolean;
  lastFrame: boolean;
  /** conditioning frames the model cannot take, so they were left out */
  dropped: ('firstFrame' | 'lastFrame')[];
}

function maxFramesOf(profile: ModelProfile): number | null {
  if (profile.maxFrames === null) return null;
  const q = profile.framesQuantum;
  return q > 1 ? Math.floor((profile.maxFrames - 1) / q) * q + 1 : profile.maxFrames;
}

/** The longest clip the model makes in one call, in seconds; null when unbounded. */
export function maxClipSec(profile: ModelProfile): number | null {
  if (profile.clipLengthsSec) return Math.max(...profile.clipLengthsSec);
  const frames = maxFramesOf(profile);
  return frames !== null && profile.fps ? frames / profile.fps : null;
}

/**
 * The length to ask the model for a scene of `sceneSec`: models with fixed lengths get the shortest
 * one that covers the scene (5 or 10 for a 7 s scene: 10, trimmed in normalisation), or their longest
 * when none does (then slowed, within `maxSlowdown`); other models get the scene's length, capped.
 */
export function planClipLengths(profile: ModelProfile, sceneSec: number): number {
  if (!(sceneSec > 0)) throw new RangeError(`scene length must be positive, got ${sceneSec}`);
  if (profile.clipLengthsSec) {
    const lengths = [...profile.clipLengthsSec].sort((a, b) => a - b);
    return lengths.find((l) => l >= sceneSec - EPSILON) ?? lengths[lengths.length - 1];
  }
  const max = maxClipSec(profile);
  return max === null ? sceneSec : Math.min(sceneSec, max);
}

export interface FrameSize {
  width: number;
  height: number;
}

export function parseFrameSize(size: string): FrameSize {
  const match = FRAME_SIZE.exec(size);
  if (!match) throw new RangeError(`not a frame size: ${size}`);
  return { width: Number(match[1]), height: Number(match[2]) };
}

/**
 * For models that make only some sizes: the one whose aspect ratio is nearest the ask's (the larger
 * on a tie). Normalisation then reframes it to the ask, as it does for a model that ignores the aspect.
 */
export function nearestFrameSize(sizes: readonly string[], width: number, height: number): FrameSize {
  const distance = (s: FrameSize) => Math.abs(Math.log(s.width / s.height / (width / height)));
  return sizes.map(parseFrameSize).reduce((best, s) => {
    const d = distance(s) - distance(best);
    return d < -EPSILON || (Math.abs(d) <= EPSILON && s.width * s.height > best.width * best.height) ? s : best;
  });
}

function onGrid(value: number, quantum: number): number {
  return Math.max(quantum, Math.floor(value / quantum) * quantum);
}

/** Fits the ask into the profile's limits, or refuses with PROVIDER.LIMIT_EXCEEDED (another attempt cannot help). */
export function clampVideoRequest(profile: ModelProfile, ask: VideoAsk): ClampedVideoRequest {
  if (profile.kind !== 'video') throw new RangeError(`${profile.name} is a ${profile.kind} profile, not video`);
  const long = Math.max(ask.width, ask.height);
  const short = Math.min(ask.width, ask.height);
  const scale = Math.min(
    1,
    Math.max(profile.maxWidth, profile.maxHeight) / long,
    Math.min(profile.maxWidth, profile.maxHeight) / short,
  );
  const { width, height } = profile.sizes
    ? nearestFrameSize(profile.sizes, ask.width, ask.height)
    : {
        width: onGrid(ask.width * scale, profile.sizeQuantum),
        height: onGrid(ask.height * scale, profile.sizeQuantum),
      };

  const fps = profile.fps ?? 24;
  let modelSec = planClipLengths(profile, ask.durationSec);
  let numFrames: number | null = null;
  if (!profile.clipLengthsSec && profile.maxFrames !== null && profile.fps) {
    const q = profile.framesQuantum;
    const needed = Math.ceil(modelSec * fps - EPSILON);
    const quantised = q > 1 ? Math.ceil((needed - 1) / q) * q + 1 : needed;
    numFrames = Math.min(quantised, maxFramesOf(profile)!);
    modelSec = numFrames / fps;
  }

  const slowdown = Math.max(1, ask.durationSec / modelSec);
  if (slowdown > profile.maxSlowdown + EPSILON) {
    throw new ProviderError(
      Errors.providerLimitExceeded,
      `${profile.name} (${profile.model}) makes at most ${maxClipSec(profile)} s per clip; a ${ask.durationSec} s clip ` +
        `would need slowing ${slowdown.toFixed(2)}x (limit ${profile.maxSlowdown}x): use a profile with longer clips`,
      { provider: profile.provider, profile: profile.name, durationSec: ask.durationSec, maxSec: maxClipSec(profile) },
    );
  }

  const dropped: ClampedVideoRequest['dropped'] = [];
  const firstFrame = Boolean(ask.firstFrame) && profile.acceptsFirstFrame;
  if (ask.firstFrame && !firstFrame) dropped.push('firstFrame');
  const lastFrame = Boolean(ask.lastFrame) && profile.acceptsLastFrame;
  if (ask.lastFrame && !lastFrame) dropped.push('lastFrame');

  return {
    width,
    height,
    fps,
    numFrames,
    modelSec,
    slowdown,
    durationSec: ask.durationSec,
    firstFrame,
    lastFrame,
    dropped,
  };
}

/** What `calls` calls making `seconds` of media cost at the profile's list price, in USD. */
export function estimateCost(profile: Pick<ModelProfile, 'price'>, seconds: number, calls: number): number {
  const cost = (profile.price.perSecondUsd ?? 0) * seconds + (profile.price.perCallUsd ?? 0) * calls;
  return Math.round(cost * 1e6) / 1e6;
}

/** What one generation call used, priced from the profile: the usage record every adapter returns. */
export function oneCallUsage(
  provider: string,
  profile: Pick<ModelProfile, 'model' | 'price'>,
  seconds: number,
): GenerationUsage {
  return { provider, model: profile.model, seconds, calls: 1, costUsd: estimateCost(profile, seconds, 1) };
}
