import { type OutputSpec } from '@app/domain';
import { Injectable } from '@nestjs/common';
import { basename } from 'node:path';
import { buildEncodeAudioCommand } from './audio.builder';
import { buildComposeCommand, type ComposeClip } from './compose.builder';
import { buildComposeSubtitles } from './compose-subtitles.builder';
import { type RenderProgressOptions } from './ffmpeg-command.types';
import { FfmpegRunner } from './ffmpeg.runner';
import { buildLastFrameCommand, buildPosterCommand } from './frame.builder';
import { DEFAULT_FONT_NAME, DEFAULT_FONTS_DIR } from './media.constants';
import { writeTextFile } from './text-file.util';

export interface ComposeJobRequest {
  clips: ComposeClip[];
  totalSec: number;
  spec: OutputSpec;
  musicPath: string | null;
  endCard: { headline: string; callToAction: string; durationSec: number };
  compliance: { text: string } | null;
  brandColors: string[];
  workDir: string;
  outPath: string;
  preset: 'veryfast' | 'medium';
}

/** Final assembly and the small jobs around it: poster, seed frames, music encoding. */
@Injectable()
export class Composer {
  constructor(private readonly runner: FfmpegRunner) {}

  async compose(req: ComposeJobRequest, opts: RenderProgressOptions = {}): Promise<void> {
    const endCardStart = Math.max(0, req.totalSec - req.endCard.durationSec);
    const subtitles = buildComposeSubtitles({
      spec: req.spec,
      totalSec: req.totalSec,
      endCard: { headline: req.endCard.headline, callToAction: req.endCard.callToAction, startSec: endCardStart },
      // Fair-balance text stays on screen with the end card, where the offer is made.
      compliance: req.compliance ? { text: req.compliance.text, startSec: endCardStart } : null,
      brandColors: req.brandColors,
      fontName: DEFAULT_FONT_NAME,
    });
    const subtitlesPath = await writeTextFile(req.workDir, `${basename(req.outPath)}.ass`, subtitles);
    const cmd = buildComposeCommand({
      clips: req.clips,
      totalSec: req.totalSec,
      spec: req.spec,
      musicPath: req.musicPath,
      subtitlesPath,
      fontsDir: DEFAULT_FONTS_DIR,
      outPath: req.outPath,
      preset: req.preset,
    });
    await this.runner.run(cmd, { signal: opts.signal, onProgress: opts.onProgress, durationSec: req.totalSec });
  }

  poster(videoPath: string, atSec: number, outJpg: string): Promise<void> {
    return this.runner.run(buildPosterCommand(videoPath, atSec, outJpg));
  }

  /** The exact last frame of a clip as a PNG: the seed of the next clip in a continuity chain. */
  lastFrame(clipPath: string, outPng: string): Promise<void> {
    return this.runner.run(buildLastFrameCommand(clipPath, outPng));
  }

  encodeAudio(wavPath: string, outM4a: string): Promise<void> {
    return this.runner.run(buildEncodeAudioCommand(wavPath, outM4a));
  }
}
