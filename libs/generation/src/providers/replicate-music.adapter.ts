import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type GenerationResult,
  type MusicGenerator,
  type MusicRequest,
  type ProviderJobRef,
  type StepOptions,
} from '../generation.ports';
import { estimateCost } from '../registry/model-limits.util';
import { type ModelProfile } from '../registry/model-profile.schema';
import { withRetries } from '../throughput/retry.util';
import { type AdapterTuning } from './adapter-tuning';
import { runProviderJob } from './provider-job.runner';
import { type ProviderMedia } from './provider-media.service';
import { stableAudioInput } from './replicate-inputs.builder';
import { missingOutput, outputUrl, predictionDriver, type ReplicateWebhookConfig } from './replicate-prediction.driver';
import { REPLICATE, ReplicateClient } from './replicate.client';

export interface ReplicateMusicDeps {
  profile: ModelProfile;
  client: ReplicateClient;
  media: ProviderMedia;
  tuning: AdapterTuning;
  webhook: ReplicateWebhookConfig | null;
}

/**
 * The music bed from a Replicate text-to-audio model (Stable Audio 2.5: instrumental only, asked
 * for whole seconds), cut to the exact length with a fade in and out and encoded like the
 * embedded synthesiser's bed (AAC .m4a).
 */
export class ReplicateMusicGenerator implements MusicGenerator {
  readonly name: string;

  constructor(private readonly deps: ReplicateMusicDeps) {
    this.name = `${REPLICATE}:${deps.profile.model}`;
  }

  async generate(request: MusicRequest, options: StepOptions = {}): Promise<GenerationResult> {
    const { profile, client, media, tuning, webhook } = this.deps;
    const input = () => stableAudioInput(profile, request);
    const asked = input().duration as number;
    const { ref, state } = await runProviderJob(
      predictionDriver(client, profile, input, webhook),
      options,
      { ...(webhook ? tuning.pollWithWebhook : tuning.poll), timeoutMs: profile.timeoutSec * 1000 },
      (f) => options.onProgress?.(f * 0.8),
    );
    const url = outputUrl(state);
    if (!url || state.data_removed) throw missingOutput(state);

    const rawPath = join(request.workDir, `music.${REPLICATE}`);
    const outPath = join(request.workDir, 'music.m4a');
    await withRetries(
      async () => {
        await client.download(url, rawPath, ReplicateClient.keyOf(ref.endpoint), options.signal);
        await media.musicBed(rawPath, outPath, request.durationSec, options.signal);
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
        seconds: asked,
        calls: 1,
        costUsd: estimateCost(profile, asked, 1),
      },
    };
  }

  cancel(ref: ProviderJobRef): Promise<void> {
    return this.deps.client.cancel(ref.id, ReplicateClient.keyOf(ref.endpoint));
  }
}
