import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { OUTPUT_FPS } from '@app/domain';
import { AnimaticRenderer, Composer } from '@app/media';
import { type GenerationResult, type ImageGenerator, type ImageRequest, type StepOptions } from '../generation.ports';

/**
 * The embedded keyframe maker: the opening frame of the scene's animatic, as a PNG at the asked
 * size. Without a scene (a bare prompt) there is nothing to draw, so it refuses.
 */
@Injectable()
export class AnimaticImageGenerator implements ImageGenerator {
  readonly name = 'animatic-frame';

  constructor(
    private readonly renderer: AnimaticRenderer,
    private readonly composer: Composer,
  ) {}

  async generate(request: ImageRequest, options: StepOptions = {}): Promise<GenerationResult> {
    if (!request.scene) throw new RangeError('the embedded image generator draws storyboard scenes; none was given');
    const clip = join(request.workDir, `keyframe_${request.scene.index}.mp4`);
    const png = join(request.workDir, `keyframe_${request.scene.index}.png`);
    await this.renderer.render(
      {
        scene: request.scene,
        spec: {
          width: request.width,
          height: request.height,
          fps: OUTPUT_FPS,
          pixelFormat: 'yuv420p',
          videoCodec: 'h264',
        },
        durationSec: 1 / OUTPUT_FPS,
        seedFramePath: null,
        workDir: request.workDir,
        outPath: clip,
        seed: request.seed,
      },
      { signal: options.signal },
    );
    await this.composer.lastFrame(clip, png);
    return { path: png };
  }
}
