import { Global, Inject, Injectable, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { createRedisClient, type RedisClient } from '@app/pipeline';
import { FfmpegRunner, MediaModule } from '@app/media';
import { AnimaticImageGenerator } from './embedded/animatic-image.generator';
import { AnimaticVideoGenerator } from './embedded/animatic-video.generator';
import { IMAGE_GENERATOR, MUSIC_GENERATOR, SPEECH_GENERATOR, VIDEO_GENERATOR } from './generation.ports';
import { createGenerators, type Generators, replicateWebhookUrl } from './generators.factory';
import { ReplicateWebhookRelay, ReplicateWebhookWaiter } from './replicate';
import { GENERATORS, MODEL_REGISTRY, PROVIDER_REDIS } from './generation.tokens';
import { CostEstimator, loadModelRegistry, type ModelRegistry, ModelRouter } from './registry';
import { SynthMusicGenerator } from './embedded/synth-music.generator';
import { ProviderJobClaims } from './throughput/provider-job.claims';

/**
 * Owns the provider connections: closes them at shutdown, and, when Replicate webhooks are
 * configured, relays verified webhooks (received by any API process) to this process's waiter.
 */
@Injectable()
export class ProviderConnection implements OnModuleInit, OnModuleDestroy {
  readonly relay: ReplicateWebhookRelay;
  readonly waiter = new ReplicateWebhookWaiter();
  readonly claims: ProviderJobClaims;
  private subscriber: RedisClient | null = null;

  constructor(
    @Inject(PROVIDER_REDIS) readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.relay = new ReplicateWebhookRelay(config.queuePrefix);
    this.claims = new ProviderJobClaims(redis, config.queuePrefix);
  }

  async onModuleInit() {
    if (!replicateWebhookUrl(this.config)) return;
    this.subscriber = this.redis.duplicate();
    await this.relay.attach(this.subscriber, this.waiter);
  }

  async onModuleDestroy() {
    await Promise.all([this.subscriber?.quit(), this.redis.quit()].map((p) => p?.catch(() => undefined)));
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
    AnimaticImageGenerator,
    SynthMusicGenerator,
    { provide: MODEL_REGISTRY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadModelRegistry(config) },
    {
      provide: PROVIDER_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        createRedisClient(config, {
          maxRetriesPerRequest: 3,
          lazyConnect: true,
          // the API answers 503 rather than waiting on a stalled Redis (queued commands time out too)
          ...(config.dependencies.failFast
            ? { commandTimeout: config.dependencies.timeoutMs, maxRetriesPerRequest: 1 }
            : {}),
        }),
    },
    ProviderConnection,
    ModelRouter,
    CostEstimator,
    {
      provide: GENERATORS,
      inject: [
        MODEL_REGISTRY,
        APP_CONFIG,
        ProviderConnection,
        FfmpegRunner,
        AnimaticVideoGenerator,
        SynthMusicGenerator,
        AnimaticImageGenerator,
      ],
      useFactory: (
        registry: ModelRegistry,
        config: AppConfig,
        connection: ProviderConnection,
        ffmpeg: FfmpegRunner,
        video: AnimaticVideoGenerator,
        music: SynthMusicGenerator,
        image: AnimaticImageGenerator,
      ): Generators =>
        createGenerators(registry, config, {
          redis: connection.redis,
          ffmpeg,
          embedded: { video, music, image },
          webhookWaiter: connection.waiter,
        }),
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
    ProviderConnection,
    ModelRouter,
    CostEstimator,
    MediaModule,
  ],
})
export class GenerationModule {}
