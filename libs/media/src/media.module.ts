import { APP_CONFIG, type AppConfig } from '@app/config';
import { Module } from '@nestjs/common';
import { AnimaticRenderer } from './animatic/animatic-renderer.service';
import { Composer } from './composer.service';
import { StatementMeasurer } from './compliance/statement-measurer.service';
import { FFMPEG_RUNNER_OPTIONS, FfmpegRunner, type FfmpegRunnerOptions } from './ffmpeg/ffmpeg.runner';

@Module({
  providers: [
    {
      // deadlines from the config when the app has one (a bare runner keeps the defaults)
      provide: FFMPEG_RUNNER_OPTIONS,
      inject: [{ token: APP_CONFIG, optional: true }],
      useFactory: (config?: AppConfig): FfmpegRunnerOptions => ({ deadlines: config?.ffmpegDeadlines }),
    },
    FfmpegRunner,
    AnimaticRenderer,
    Composer,
    StatementMeasurer,
  ],
  exports: [FfmpegRunner, AnimaticRenderer, Composer, StatementMeasurer],
})
export class MediaModule {}
