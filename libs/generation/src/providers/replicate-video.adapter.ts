import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type GenerationResult, type ProviderJobRef, type StepOptions, type VideoGenerator } from '../generation.ports';
import { clampVideoRequest, estimateCost } from '../registry/model-limits.util';
import { type ModelProfile } from '../registry/model-profile.schema';
import { withRetries } from '../throughput/retry.util';
import { type AdapterTuning } from './adapter-tuning';
import { runProviderJob } from './provider-job.runner';
import { type ProviderMedia } from './provider-media.service';
import { dataUrl, klingInput } from './replicate-inputs.builder';
import { missingOutput, outputUrl, predictionDriver, type ReplicateWebhookConfig } from './replicate-prediction.driver';
import { REPLICATE, ReplicateClient } from './replicate.client';
import { type VideoRequestWithEnd } from './vllm-omni-video.adapter';

export interface ReplicateVideoDeps {
  profile: ModelProfile;
  client: ReplicateClient;
  media: ProviderMedia;
  tuning: AdapterTuning;
  webhook: ReplicateWebhookConfig | null;
}

/**
 * Scenes on Replicate's Kling v2.5 Turbo Pro: the seed frame as `start_image` (a data URL), the
 * model length that covers the scene, the webhook when one is configured (polling backs it up).
 * Replicate deletes outputs within hours, so the file is copied to the work dir the moment the
 * prediction succeeds, then normalised: Kling keeps the start image's aspect and ignores ours.
 */
export class ReplicateVideoGenerator implements VideoGenerator {
  readonly name: string;
  readonly real = true;

  constructor(private readonly deps: ReplicateVideoDeps) {
    this.name = `${REPLICATE}:${deps.profile.model}`;
  }

  async generate(request: VideoRequestWithEnd, options: StepOptions = {}): Promise<GenerationResult> {
    const { profile, client, media, tuning, webhook } = this.deps;
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

    const { ref, state } = await runProviderJob(
      predictionDriver(client, profile, input, webhook),
      options,
      { ...(webhook ? tuning.pollWithWebhook : tuning.poll), timeoutMs: profile.timeoutSec * 1000 },
      (f) => options.onProgress?.(f * 0.8),
    );
    const url = outputUrl(state);
    if (!url || state.data_removed) throw missingOutput(state);

    const rawPath = join(request.workDir, `scene_${request.scene.index}.${REPLICATE}.mp4`);
    const outPath = join(request.workDir, `scene_${request.scene.index}.mp4`);
    await withRetries(
      async () => {
        await client.download(url, rawPath, ReplicateClient.keyOf(ref.endpoint), options.signal);
        await media.normaliseClip(rawPath, outPath, request.spec, request.durationSec, clamp.slowdown, {
          signal: options.signal,
          onProgress: (f) => options.onProgress?.(0.8 + 0.2 * f),
        });
      },
      { ...tuning.retry, signal: options.signal },
    );
    await rm(rawPath, { force: true });
    options.onProgress?.(1);
    return {
      path: outPath,
      usage: {
        provider: REPLICATE,
        model: profile.model,
        seconds: clamp.modelSec,
        calls: 1,
        costUsd: estimateCost(profile, clamp.modelSec, 1),
      },
    };
  }

  /** POST /v1/predictions/{id}/cancel with the token that made it. */
  cancel(ref: ProviderJobRef): Promise<void> {
    return this.deps.client.cancel(ref.id, ReplicateClient.keyOf(ref.endpoint));
  }
}
