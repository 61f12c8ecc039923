import { type OutputSpec, type StoryboardScene } from '@app/domain';
import { Injectable } from '@nestjs/common';
import { basename } from 'node:path';
import { type RenderProgressOptions } from './ffmpeg-command.types';
import { animaticTextLayout, buildAnimaticSceneCommand } from './animatic.builder';
import { FfmpegRunner } from './ffmpeg.runner';
import { DEFAULT_FONT_FILE } from './media.constants';
import { writeTextFile } from './text-file.util';
import { wrapText } from './text-layout.util';

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

  async render(req: AnimaticRenderRequest, opts: RenderProgressOptions = {}): Promise<void> {
    const text = req.scene.onScreenText.trim();
    let textFilePath: string | null = null;
    if (text) {
      // drawtext cannot wrap, so the file holds the lines as they should appear.
      const layout = animaticTextLayout(req.spec);
      const lines = wrapText(text, layout.maxLineWidthPx / layout.fontSize, layout.narrowEm);
      textFilePath = await writeTextFile(req.workDir, `${basename(req.outPath)}.text.txt`, lines.join('\n'));
    }
    const cmd = buildAnimaticSceneCommand({
      scene: req.scene,
      spec: req.spec,
      durationSec: req.durationSec,
      seedFramePath: req.seedFramePath,
      textFilePath,
      fontFile: DEFAULT_FONT_FILE,
      outPath: req.outPath,
      seed: req.seed,
    });
    await this.runner.run(cmd, { signal: opts.signal, onProgress: opts.onProgress, durationSec: req.durationSec });
  }
}
