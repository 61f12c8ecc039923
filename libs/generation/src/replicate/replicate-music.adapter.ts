import { join } from 'node:path';
import {
  type GenerationResult,
  type MusicGenerator,
  type MusicRequest,
  type ProviderJobRef,
  type StepOptions,
} from '../generation.ports';
import { oneCallUsage } from '../registry/model-limits.util';
import { stableAudioInput } from './replicate-inputs.builder';
import { type ReplicateAdapterDeps, runPredictionToFile } from './replicate-prediction.driver';
import { REPLICATE, ReplicateClient } from './replicate.client';

/**
 * The music bed from a Replicate text-to-audio model (Stable Audio 2.5: instrumental only, asked
 * for whole seconds), cut to the exact length with a fade in and out and encoded like the
 * embedded synthesiser's bed (AAC .m4a).
 */
export class ReplicateMusicGenerator implements MusicGenerator {
  readonly name: string;

  constructor(private readonly deps: ReplicateAdapterDeps) {
    this.name = `${REPLICATE}:${deps.profile.model}`;
  }

  async generate(request: MusicRequest, options: StepOptions = {}): Promise<GenerationResult> {
    const { profile, media } = this.deps;
    const input = () => stableAudioInput(profile, request);
    const asked = input().duration as number;
    const outPath = join(request.workDir, 'music.m4a');
    await runPredictionToFile(this.deps, input, options, join(request.workDir, `music.${REPLICATE}`), (rawPath) =>
      media.musicBed(rawPath, outPath, request.durationSec, options.signal),
    );
    return {
      path: outPath,
      usage: oneCallUsage(REPLICATE, profile, asked),
    };
  }

  cancel(ref: ProviderJobRef): Promise<void> {
    return this.deps.client.cancel(ref.id, ReplicateClient.keyOf(ref.endpoint));
  }
}
