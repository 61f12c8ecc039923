import { type ModelProfile } from '../registry/model-profile.schema';

export type KlingAspectRatio = '16:9' | '9:16' | '1:1';

/** The closest aspect ratio Kling offers; only used for text-to-video (with a start image Kling keeps the image's). */
export function klingAspectRatio(width: number, height: number): KlingAspectRatio {
  const ratio = width / height;
  const options: [KlingAspectRatio, number][] = [
    ['16:9', 16 / 9],
    ['9:16', 9 / 16],
    ['1:1', 1],
  ];
  return options.reduce((best, o) =>
    Math.abs(Math.log(ratio / o[1])) < Math.abs(Math.log(ratio / best[1])) ? o : best,
  )[0];
}

/** A file input as Replicate takes it inline (data URLs are accepted wherever a file URL is). */
export function dataUrl(bytes: Buffer, mime: string): string {
  return `data:${mime};base64,${bytes.toString('base64')}`;
}

export interface KlingAsk {
  prompt: string;
  /** one of the model's lengths (5 or 10) */
  durationSec: number;
  width: number;
  height: number;
  startImage: string | null;
  endImage: string | null;
}

/**
 * kwaivgi/kling-v2.5-turbo-pro's published input schema: prompt, negative_prompt, start_image,
 * end_image, aspect_ratio (ignored when start_image is set, so normalisation reframes), duration.
 */
export function klingInput(profile: ModelProfile, ask: KlingAsk): Record<string, unknown> {
  return {
    prompt: ask.prompt,
    duration: ask.durationSec,
    aspect_ratio: klingAspectRatio(ask.width, ask.height),
    ...(profile.negativePrompt ? { negative_prompt: profile.negativePrompt } : {}),
    ...(ask.startImage ? { start_image: ask.startImage } : {}),
    ...(ask.endImage ? { end_image: ask.endImage } : {}),
  };
}

/** Stable Audio 2.5 makes 1 to 190 whole seconds. */
export const STABLE_AUDIO_MAX_SEC = 190;

/** The words that keep a text-to-audio model to a bed under a voiceover: no vocals, no sudden ending. */
export function musicPrompt(mood: string): string {
  return `${mood.trim()}. Instrumental background music for a video advert, no vocals, steady energy, clean modern mix.`;
}

/**
 * stability-ai/stable-audio-2.5's published input schema: prompt, duration (whole seconds, 1 to 190),
 * steps (4 to 8), cfg_scale, seed. It makes instrumental audio only, so there is no vocals switch to set;
 * the length asked is rounded up and the bed is cut to the exact length afterwards.
 */
export function stableAudioInput(
  profile: ModelProfile,
  ask: { mood: string; durationSec: number; seed: number },
): Record<string, unknown> {
  return {
    prompt: musicPrompt(ask.mood),
    duration: Math.min(STABLE_AUDIO_MAX_SEC, Math.max(1, Math.ceil(ask.durationSec))),
    seed: profile.sampling.seed ?? ask.seed,
    ...(profile.sampling.steps !== null ? { steps: Math.min(8, Math.max(4, profile.sampling.steps)) } : {}),
    ...(profile.sampling.guidance !== null ? { cfg_scale: Math.max(1, profile.sampling.guidance) } : {}),
  };
}
