import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GenerationResult, type ProviderJobRef, type StepOptions, type VideoGenerator } from '../generation.ports';
import { clampVideoRequest, oneCallUsage } from '../registry/model-limits.util';
import { dataUrl, klingInput } from './replicate-inputs.builder';
import { type ReplicateAdapterDeps, runPredictionToFile } from './replicate-prediction.driver';
import { REPLICATE, ReplicateClient } from './replicate.client';
import { type VideoRequestWithEnd } from '../vllm-omni/vllm-omni-video.adapter';

/**
 * Scenes on Replicate's Kling v2.5 Turbo Pro: the seed frame as `start_image` (a data URL), the
 * model length that covers the scene, the webhook when one is configured (polling backs it up).
 * Replicate deletes outputs within hours, so the file is copied to the work dir the moment the
 * prediction succeeds, then normalised: Kling keeps the start image's aspect and ignores ours.
 */
export class ReplicateVideoGenerator implements VideoGenerator {
  readonly name: string;
  readonly real = true;

  constructor(private readonly deps: ReplicateAdapterDeps) {
    this.name = `${REPLICATE}:${deps.profile.model}`;
  }

  async generate(request: VideoRequestWithEnd, options: StepOptions = {}): Promise<GenerationResult> {
    const { profile, media } = this.deps;
    const clamp = clampVideoRequest(profile, {
      width: request.spec.width,
      height: request.spec.height,
      durationSec: request.durationSec,
      firstFrame: Boolean(request.seedFramePath),
      lastFrame: Boolean(request.endFramePath),
    });
    const image = async (path: string | null | undefined, use: boolean) =>
      use && path ? dataUrl(await readFile(path), 'image/png') : null;
    const startImage = await image(request.seedFramePath, clamp.firstFrame);
    const endImage = await image(request.endFramePath, clamp.lastFrame);
    const input = () =>
      klingInput(profile, {
        prompt: request.scene.visualPrompt,
        durationSec: clamp.modelSec,
        width: request.spec.width,
        height: request.spec.height,
        startImage,
        endImage,
      });

    const outPath = join(request.workDir, `scene_${request.scene.index}.mp4`);
    await runPredictionToFile(
      this.deps,
      input,
      options,
      join(request.workDir, `scene_${request.scene.index}.${REPLICATE}.mp4`),
      (rawPath, onProgress) =>
        media.normaliseClip(rawPath, outPath, request.spec, request.durationSec, clamp.slowdown, {
          signal: options.signal,
          onProgress,
        }),
    );
    return {
      path: outPath,
      usage: oneCallUsage(REPLICATE, profile, clamp.modelSec),
    };
  }

  /** POST /v1/predictions/{id}/cancel with the token that made it. */
  cancel(ref: ProviderJobRef): Promise<void> {
    return this.deps.client.cancel(ref.id, ReplicateClient.keyOf(ref.endpoint));
  }
}
