import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type GenerationResult,
  type ImageEditRequest,
  type ImageGenerator,
  type ImageRequest,
  type StepOptions,
} from '../generation.ports';
import { oneCallUsage } from '../registry/model-limits.util';
import { type ModelProfile } from '../registry/model-profile.schema';
import { ProviderError } from '../throughput/provider.errors';
import { Errors } from '@app/domain';
import { withRetries } from '../throughput/retry.util';
import { type AdapterTuning } from '../provider-kit/adapter-tuning';
import { type ProviderHttpClient } from '../provider-kit/provider-http.client';
import { type ProviderMedia } from '../provider-kit/provider-media.service';
import { VLLM_OMNI } from './vllm-omni-video.adapter';
import { type VllmOmniEndpoints } from './vllm-omni.endpoints';

export interface VllmOmniImageDeps {
  profile: ModelProfile;
  endpoints: VllmOmniEndpoints;
  http: ProviderHttpClient;
  media: ProviderMedia;
  tuning: AdapterTuning;
}

interface ImagesAnswer {
  data?: { b64_json?: string | null; url?: string | null }[];
}

/** The size to ask for: the request's aspect within the profile's long and short side limits, on a 16 px grid. */
export function imageGenerationSize(
  profile: ModelProfile,
  width: number,
  height: number,
): { width: number; height: number } {
  const scale = Math.min(
    1,
    Math.max(profile.maxWidth, profile.maxHeight) / Math.max(width, height),
    Math.min(profile.maxWidth, profile.maxHeight) / Math.min(width, height),
  );
  const grid = (v: number) => Math.max(16, Math.floor((v * scale) / 16) * 16);
  return { width: grid(width), height: grid(height) };
}

/**
 * Keyframes from a vLLM-Omni image server (POST /v1/images/generations, OpenAI Images shape plus
 * diffusion extensions), fitted to the exact requested size. The call is synchronous, so there is
 * no job to resume: a failed or timed-out call is simply made again.
 */
export class VllmOmniImageGenerator implements ImageGenerator {
  readonly name: string;

  constructor(private readonly deps: VllmOmniImageDeps) {
    this.name = `${VLLM_OMNI}:${deps.profile.model}`;
  }

  async generate(request: ImageRequest, options: StepOptions = {}): Promise<GenerationResult> {
    const size = imageGenerationSize(this.deps.profile, request.width, request.height);
    return this.call('/v1/images/generations', request, options, () => ({
      ...this.fields(request, size),
    }));
  }

  /**
   * An edit (POST /v1/images/edits, the OpenAI Images edit shape as multipart): the picture as
   * `image`, the mask (white is repainted) as `mask`, the prompt and the diffusion extensions.
   */
  async edit(request: ImageEditRequest, options: StepOptions = {}): Promise<GenerationResult> {
    const size = imageGenerationSize(this.deps.profile, request.width, request.height);
    const image = await readFile(request.imagePath);
    const mask = request.maskPath ? await readFile(request.maskPath) : null;
    return this.call('/v1/images/edits', request, options, () => {
      const form = new FormData();
      for (const [name, value] of Object.entries(this.fields(request, size))) form.append(name, String(value));
      const type = image[0] === 0xff ? 'image/jpeg' : 'image/png';
      form.append(
        'image',
        new Blob([new Uint8Array(image)], { type }),
        type === 'image/png' ? 'image.png' : 'image.jpg',
      );
      if (mask) form.append('mask', new Blob([new Uint8Array(mask)], { type: 'image/png' }), 'mask.png');
      return form;
    });
  }

  /** The fields both calls share (OpenAI Images shape plus diffusion extensions). */
  private fields(request: ImageRequest, size: { width: number; height: number }): Record<string, string | number> {
    const { profile } = this.deps;
    return {
      prompt: request.prompt,
      model: profile.model,
      n: 1,
      size: `${size.width}x${size.height}`,
      response_format: 'b64_json',
      seed: profile.sampling.seed ?? request.seed,
      ...(request.negativePrompt || profile.negativePrompt
        ? { negative_prompt: (request.negativePrompt ?? profile.negativePrompt)! }
        : {}),
      ...(profile.sampling.steps !== null ? { num_inference_steps: profile.sampling.steps } : {}),
      ...(profile.sampling.guidance !== null ? { guidance_scale: profile.sampling.guidance } : {}),
    };
  }

  /** One synchronous images call on a leased endpoint, retried as a whole; the answer fitted to the asked size. */
  private async call(
    path: string,
    request: ImageRequest,
    options: StepOptions,
    body: () => Record<string, unknown> | FormData,
  ): Promise<GenerationResult> {
    const { profile, endpoints, http, tuning, media } = this.deps;
    const rawPath = join(request.workDir, `image.${VLLM_OMNI}`);
    const outPath = join(request.workDir, 'image.png');
    await withRetries(
      async () => {
        const { url, lease } = await endpoints.acquire(profile.model, options.signal);
        try {
          await endpoints.throttle(url, options.signal);
          const answer = await http.json<ImagesAnswer>({
            method: 'POST',
            url: `${url}${path}`,
            body: body(),
            timeoutMs: tuning.downloadTimeoutMs,
            signal: options.signal,
          });
          await this.save(answer.body, rawPath, options.signal);
        } finally {
          await lease.release();
        }
        await media.fitImage(rawPath, outPath, request.width, request.height, options.signal);
      },
      { ...tuning.retry, signal: options.signal },
    );
    await rm(rawPath, { force: true });
    options.onProgress?.(1);
    return {
      path: outPath,
      usage: oneCallUsage(VLLM_OMNI, profile, 0),
    };
  }

  /** The first image, inline (b64_json) or by URL. */
  private async save(answer: ImagesAnswer, path: string, signal?: AbortSignal): Promise<void> {
    const first = answer.data?.[0];
    if (first?.b64_json) {
      await writeFile(path, Buffer.from(first.b64_json, 'base64'));
      return;
    }
    if (first?.url) {
      await this.deps.http.download(
        {
          method: 'GET',
          url: first.url,
          timeoutMs: this.deps.tuning.downloadTimeoutMs,
          signal,
          headers: { accept: '*/*' },
        },
        path,
      );
      return;
    }
    throw new ProviderError(Errors.providerBadOutput, `${VLLM_OMNI}: the image answer holds neither b64_json nor url`, {
      provider: VLLM_OMNI,
    });
  }
}
