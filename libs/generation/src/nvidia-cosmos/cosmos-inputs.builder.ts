import { type ModelProfile } from '../registry/model-profile.schema';

/**
 * NVIDIA's API catalogue examples send an image inline (base64) only while its base64 is shorter
 * than this ("To upload larger images, use the assets API"); anything larger goes up as an NVCF asset.
 */
export const INLINE_BASE64_LIMIT = 180_000;

/** NIM for Cosmos: "Prompts up to 250 words in length are supported." */
export const COSMOS_PROMPT_MAX_WORDS = 250;

export type ConditioningMime = 'image/png' | 'image/jpeg' | 'video/mp4';

/** What a Video2World request starts from: a first frame, or a video to continue. */
export interface ConditioningMedia {
  mime: ConditioningMime;
  bytes: Buffer;
}

export interface CosmosAsk {
  prompt: string;
  width: number;
  height: number;
  fps: number;
  /** seconds of video after the first frame */
  seconds: number;
  seed: number;
}

/**
 * Cosmos counts the first frame apart from the seconds after it (its tokenizer compresses time
 * 8x after one frame), so a 5 s clip at 24 fps is the 121 frames of NVIDIA's examples.
 */
export function cosmosFrames(seconds: number, fps: number): number {
  return Math.round(seconds * fps) + 1;
}

/** The request field a conditioning medium goes in (NIM for Cosmos Video2World: `image` or `video`). */
export function mediaField(mime: ConditioningMime): 'image' | 'video' {
  return mime.startsWith('video/') ? 'video' : 'image';
}

export function fitsInline(media: ConditioningMedia): boolean {
  return Math.ceil(media.bytes.length / 3) * 4 < INLINE_BASE64_LIMIT;
}

export function inlineDataUrl(media: ConditioningMedia): string {
  return `data:${media.mime};base64,${media.bytes.toString('base64')}`;
}

/** An uploaded NVCF asset as the catalogue's examples reference one in a request body. */
export function assetDataUrl(mime: ConditioningMime, assetId: string): string {
  return `data:${mime};asset_id,${assetId}`;
}

function firstWords(text: string, max: number): string {
  const words = text.trim().split(/\s+/);
  return words.length > max ? words.slice(0, max).join(' ') : text.trim();
}

/**
 * The JSON body of a Cosmos invocation, as NIM for Cosmos documents it (API reference and sampling
 * parameters): prompt, negative_prompt, seed (0..2^32-1), guidance_scale, steps, and video_params
 * {height, width, frames_count, frames_per_sec}; Video2World adds `image` or `video` as a data URL.
 * Fields the profile leaves unset are left out so the model's defaults apply.
 */
export function cosmosRequestBody(
  profile: ModelProfile,
  ask: CosmosAsk,
  media: { mime: ConditioningMime; url: string } | null,
): Record<string, unknown> {
  return {
    prompt: firstWords(ask.prompt, COSMOS_PROMPT_MAX_WORDS),
    ...(profile.negativePrompt ? { negative_prompt: profile.negativePrompt } : {}),
    seed: (profile.sampling.seed ?? ask.seed) >>> 0,
    ...(profile.sampling.guidance !== null ? { guidance_scale: profile.sampling.guidance } : {}),
    ...(profile.sampling.steps !== null ? { steps: profile.sampling.steps } : {}),
    video_params: {
      height: ask.height,
      width: ask.width,
      frames_count: cosmosFrames(ask.seconds, ask.fps),
      frames_per_sec: ask.fps,
    },
    ...(media ? { [mediaField(media.mime)]: media.url } : {}),
  };
}
