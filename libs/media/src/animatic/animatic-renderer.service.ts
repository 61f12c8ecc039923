import { type OutputSpec, type StoryboardScene } from '@app/domain';
import { Injectable } from '@nestjs/common';
import { type RenderProgressOptions } from '../ffmpeg/ffmpeg-command.types';
import { buildAnimaticSceneCommand } from './animatic.builder';
import { FfmpegRunner } from '../ffmpeg/ffmpeg.runner';

export interface AnimaticRenderRequest {
  scene: StoryboardScene;
  spec: OutputSpec;
  durationSec: number;
  seedFramePath: string | null;
  workDir: string;
  outPath: string;
  seed: number;
}

/** Renders the preview ("animatic") clip for one storyboard scene. */
@Injectable()
export class AnimaticRenderer {
  constructor(private readonly runner: FfmpegRunner) {}

  /** The scene's picture only: its on-screen text is burned in by `Composer.finalCut`, per output ratio. */
  async render(req: AnimaticRenderRequest, opts: RenderProgressOptions = {}): Promise<void> {
    const cmd = buildAnimaticSceneCommand({
      scene: req.scene,
      spec: req.spec,
      durationSec: req.durationSec,
      seedFramePath: req.seedFramePath,
      outPath: req.outPath,
      seed: req.seed,
    });
    await this.runner.run(cmd, { signal: opts.signal, onProgress: opts.onProgress, durationSec: req.durationSec });
  }
}
