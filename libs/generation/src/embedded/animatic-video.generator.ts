import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AnimaticRenderer } from '@app/media';
import { type StepOptions, type VideoGenerator, type VideoRequest } from '../generation.ports';

/** The embedded preview: a real H.264 clip rendered from the storyboard scene by ffmpeg. */
@Injectable()
export class AnimaticVideoGenerator implements VideoGenerator {
  readonly name = 'animatic';
  readonly real = false;

  constructor(private readonly renderer: AnimaticRenderer) {}

  async generate(request: VideoRequest, options: StepOptions = {}): Promise<{ path: string }> {
    const outPath = join(request.workDir, `scene_${request.scene.index}.mp4`);
    await this.renderer.render({ ...request, outPath }, options);
    return { path: outPath };
  }
}
