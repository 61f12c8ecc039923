import { Module } from '@nestjs/common';
import { AnimaticRenderer } from './animatic-renderer.service';
import { Composer } from './composer.service';
import { FfmpegRunner } from './ffmpeg.runner';

@Module({
  providers: [FfmpegRunner, AnimaticRenderer, Composer],
  exports: [FfmpegRunner, AnimaticRenderer, Composer],
})
export class MediaModule {}
