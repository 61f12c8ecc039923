import { Global, Module } from '@nestjs/common';
import { MediaModule } from '@app/media';
import { AnimaticVideoGenerator } from './animatic-video.generator';
import { MUSIC_GENERATOR, VIDEO_GENERATOR } from './generation.ports';
import { SynthMusicGenerator } from './synth-music.generator';

/** Picks the active backends. Until real providers are configured, the embedded ones serve. */
@Global()
@Module({
  imports: [MediaModule],
  providers: [
    AnimaticVideoGenerator,
    SynthMusicGenerator,
    { provide: VIDEO_GENERATOR, useExisting: AnimaticVideoGenerator },
    { provide: MUSIC_GENERATOR, useExisting: SynthMusicGenerator },
  ],
  exports: [VIDEO_GENERATOR, MUSIC_GENERATOR, MediaModule],
})
export class GenerationModule {}
