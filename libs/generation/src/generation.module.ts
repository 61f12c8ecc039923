import { Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, type AppConfig, redisUrlOf } from '@app/config';
import { FfmpegRunner, MediaModule } from '@app/media';
import { AnimaticVideoGenerator } from './animatic-video.generator';
import { IMAGE_GENERATOR, MUSIC_GENERATOR, SPEECH_GENERATOR, VIDEO_GENERATOR } from './generation.ports';
import { createGenerators, type Generators } from './providers';
import { loadModelRegistry, type ModelRegistry } from './registry';
import { SynthMusicGenerator } from './synth-music.generator';

export const MODEL_REGISTRY = Symbol('MODEL_REGISTRY');
export const GENERATORS = Symbol('GENERATORS');
const PROVIDER_REDIS = Symbol('PROVIDER_REDIS');

/** Closes the connection the provider semaphores and rate limits use. */
@Injectable()
class ProviderConnection implements OnModuleDestroy {
  constructor(@Inject(PROVIDER_REDIS) private readonly redis: Redis) {}
  async onModuleDestroy() {
    await this.redis.quit().catch(() => undefined);
  }
}

/**
 * The active generation backends, from the model registry (MODELS_FILE, VLLM_OMNI_BASE_URL,
 * REPLICATE_API_TOKEN): the embedded animatic and synthesiser until a provider is configured.
 * A bad registry stops the app at boot with every problem listed.
 */
@Global()
@Module({
  imports: [MediaModule],
  providers: [
    AnimaticVideoGenerator,
    SynthMusicGenerator,
    { provide: MODEL_REGISTRY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadModelRegistry(config) },
    {
      provide: PROVIDER_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new Redis(redisUrlOf(config), { maxRetriesPerRequest: 3, lazyConnect: true }),
    },
    ProviderConnection,
    {
      provide: GENERATORS,
      inject: [MODEL_REGISTRY, APP_CONFIG, PROVIDER_REDIS, FfmpegRunner, AnimaticVideoGenerator, SynthMusicGenerator],
      useFactory: (
        registry: ModelRegistry,
        config: AppConfig,
        redis: Redis,
        ffmpeg: FfmpegRunner,
        video: AnimaticVideoGenerator,
        music: SynthMusicGenerator,
      ): Generators => createGenerators(registry, config, { redis, ffmpeg, embedded: { video, music } }),
    },
    { provide: VIDEO_GENERATOR, inject: [GENERATORS], useFactory: (g: Generators) => g.video },
    { provide: MUSIC_GENERATOR, inject: [GENERATORS], useFactory: (g: Generators) => g.music },
    { provide: IMAGE_GENERATOR, inject: [GENERATORS], useFactory: (g: Generators) => g.image },
    { provide: SPEECH_GENERATOR, inject: [GENERATORS], useFactory: (g: Generators) => g.speech },
  ],
  exports: [
    VIDEO_GENERATOR,
    MUSIC_GENERATOR,
    IMAGE_GENERATOR,
    SPEECH_GENERATOR,
    GENERATORS,
    MODEL_REGISTRY,
    MediaModule,
  ],
})
export class GenerationModule {}
