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

/**
 * The frame sizes black-forest-labs/flux-schnell makes at its default `megapixels: "1"`, by
 * `aspect_ratio` (the model takes no width or height: its published schema offers only these).
 */
export const FLUX_SIZES = {
  '1:1': [1024, 1024],
  '16:9': [1344, 768],
  '21:9': [1536, 640],
  '3:2': [1216, 832],
  '2:3': [832, 1216],
  '4:5': [896, 1088],
  '5:4': [1088, 896],
  '3:4': [896, 1152],
  '4:3': [1152, 896],
  '9:16': [768, 1344],
  '9:21': [640, 1536],
} as const satisfies Record<string, readonly [number, number]>;
export type FluxAspectRatio = keyof typeof FLUX_SIZES;

/** The aspect ratio Flux offers closest to the asked size, by name (the picture is then cropped to it exactly). */
export function fluxAspectRatio(width: number, height: number): FluxAspectRatio {
  const distance = (r: FluxAspectRatio) => {
    const [w, h] = r.split(':').map(Number);
    return Math.abs(Math.log(width / height / (w / h)));
  };
  return (Object.keys(FLUX_SIZES) as FluxAspectRatio[]).reduce((best, r) => (distance(r) < distance(best) ? r : best));
}

/**
 * black-forest-labs/flux-schnell's published input schema: prompt, aspect_ratio, num_outputs (1 to 4),
 * num_inference_steps (1 to 4), seed, output_format (webp, jpg, png), go_fast. One PNG is asked for
 * (lossless, so the fit to the exact size is the only resampling); `go_fast: false` because the fp8
 * path is not deterministic even with a seed, and the seed in an asset's metadata must reproduce it.
 * The model has no negative prompt.
 */
export function fluxSchnellInput(
  profile: ModelProfile,
  ask: { prompt: string; width: number; height: number; seed: number },
): Record<string, unknown> {
  return {
    prompt: ask.prompt,
    aspect_ratio: fluxAspectRatio(ask.width, ask.height),
    num_outputs: 1,
    seed: profile.sampling.seed ?? ask.seed,
    output_format: 'png',
    go_fast: false,
    ...(profile.sampling.steps !== null
      ? { num_inference_steps: Math.min(4, Math.max(1, profile.sampling.steps)) }
      : {}),
  };
}
