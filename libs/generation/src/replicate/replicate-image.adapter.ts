import { join } from 'node:path';
import {
  type GenerationResult,
  type ImageGenerator,
  type ImageRequest,
  type ProviderJobRef,
  type StepOptions,
} from '../generation.ports';
import { oneCallUsage } from '../registry/model-limits.util';
import { fluxSchnellInput } from './replicate-inputs.builder';
import { type ReplicateAdapterDeps, runPredictionToFile } from './replicate-prediction.driver';
import { REPLICATE, ReplicateClient } from './replicate.client';

/**
 * Keyframes and single images from a Replicate text-to-image model (FLUX.1 [schnell]): the aspect
 * ratio nearest the asked size, one PNG, copied the moment the prediction succeeds (Replicate deletes
 * outputs within hours) and fitted to the exact size. A prediction is billed, so it follows the
 * video path's rules: recorded before polling, resumed rather than made again, cancelled when the
 * job no longer wants it. No edit endpoint: image-to-image, inpaint and outpaint stay ffmpeg's.
 */
export class ReplicateImageGenerator implements ImageGenerator {
  readonly name: string;

  constructor(private readonly deps: ReplicateAdapterDeps) {
    this.name = `${REPLICATE}:${deps.profile.model}`;
  }

  async generate(request: ImageRequest, options: StepOptions = {}): Promise<GenerationResult> {
    const { profile, media } = this.deps;
    const input = () => fluxSchnellInput(profile, request);
    const outPath = join(request.workDir, 'image.png');
    await runPredictionToFile(this.deps, input, options, join(request.workDir, `image.${REPLICATE}`), (rawPath) =>
      media.fitImage(rawPath, outPath, request.width, request.height, options.signal),
    );
    return { path: outPath, usage: oneCallUsage(REPLICATE, profile, 0) };
  }

  cancel(ref: ProviderJobRef): Promise<void> {
    return this.deps.client.cancel(ref.id, ReplicateClient.keyOf(ref.endpoint));
  }
}
