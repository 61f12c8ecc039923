import type Redis from 'ioredis';
import { type AppConfig } from '@app/config';
import { type FfmpegRunner } from '@app/media';
import {
  type ImageGenerator,
  type MusicGenerator,
  type ProviderJobRef,
  type SpeechGenerator,
  type VideoGenerator,
} from '../generation.ports';
import { type ModelRegistry } from '../registry/model-registry.loader';
import { type ModelProfile } from '../registry/model-profile.schema';
import { type AdapterTuning, tuningWith } from './adapter-tuning';
import { type FetchLike, ProviderHttpClient } from './provider-http.client';
import { ProviderMedia } from './provider-media.service';
import { ReplicateMusicGenerator } from './replicate-music.adapter';
import { type ReplicateWebhookConfig } from './replicate-prediction.driver';
import { ReplicateVideoGenerator } from './replicate-video.adapter';
import { REPLICATE_WEBHOOK_PATH, type ReplicateWebhookWaiter } from './replicate-webhook.waiter';
import { REPLICATE, ReplicateClient } from './replicate.client';
import { VllmOmniImageGenerator } from './vllm-omni-image.adapter';
import { VllmOmniSpeechGenerator } from './vllm-omni-speech.adapter';
import { cancelVllmOmniJob, VLLM_OMNI, VllmOmniVideoGenerator } from './vllm-omni-video.adapter';
import { trimBase, VllmOmniEndpoints } from './vllm-omni.endpoints';

/** The embedded backends, made by the lead's module (they need Nest-provided renderers). */
export interface EmbeddedGenerators {
  video: VideoGenerator;
  music: MusicGenerator;
  image?: ImageGenerator | null;
  speech?: SpeechGenerator | null;
}

export interface GeneratorDeps {
  /** a command connection (not a subscriber): semaphores and rate limits live here */
  redis: Redis;
  ffmpeg: FfmpegRunner;
  embedded: EmbeddedGenerators;
  /** present in workers that receive relayed webhooks; without it, Replicate jobs are polled */
  webhookWaiter?: ReplicateWebhookWaiter | null;
  fetch?: FetchLike;
  tuning?: Partial<AdapterTuning>;
}

export type GeneratorsConfig = Pick<AppConfig, 'providers' | 'queuePrefix'>;

export type AnyGenerator = VideoGenerator | MusicGenerator | ImageGenerator | SpeechGenerator;

export interface Generators {
  /** DEFAULT_VIDEO_PROFILE */
  video: VideoGenerator;
  music: MusicGenerator;
  image: ImageGenerator | null;
  speech: SpeechGenerator | null;
  /** the generator of any profile by name, e.g. `video_long` for scenes the default cannot make */
  byProfile: ReadonlyMap<string, AnyGenerator>;
  videoFor(profile: string): VideoGenerator;
  /** cancels a provider job whichever generator made it (a cancelled ad must not keep paying) */
  cancel(ref: ProviderJobRef): Promise<void>;
}

const DEFAULT_CONCURRENCY = { 'vllm-omni': 1, replicate: 4 } as const;
const DEFAULT_RATE = { 'vllm-omni': 5, replicate: 8 } as const;

/** The webhook Replicate should call, when the API can receive and verify one. */
export function replicateWebhookUrl(config: Pick<AppConfig, 'providers'>): string | null {
  const { publicBaseUrl, replicateWebhookSecret } = config.providers;
  return publicBaseUrl && replicateWebhookSecret ? `${trimBase(publicBaseUrl)}${REPLICATE_WEBHOOK_PATH}` : null;
}

/**
 * Port implementations for every configured profile: embedded ones as given, vLLM-Omni and
 * Replicate ones as adapters over one shared throughput layer (Redis semaphores and rate limits
 * under `${queuePrefix}:provider:`). Builds nothing that talks to the network until used.
 */
export function createGenerators(registry: ModelRegistry, config: GeneratorsConfig, deps: GeneratorDeps): Generators {
  const tuning = tuningWith(deps.tuning);
  const prefix = config.queuePrefix;
  const vllmHttp = new ProviderHttpClient(VLLM_OMNI, deps.fetch);
  const vllmMedia = new ProviderMedia(deps.ffmpeg, VLLM_OMNI);
  const replicateMedia = new ProviderMedia(deps.ffmpeg, REPLICATE);

  const replicateProfiles = [...registry.profiles.values()].filter((p) => p.provider === 'replicate');
  const replicate = replicateProfiles.length
    ? new ReplicateClient({
        baseUrl: config.providers.replicateBaseUrl,
        tokens: config.providers.replicateTokens,
        redis: deps.redis,
        prefix,
        concurrencyPerKey: Math.max(...replicateProfiles.map((p) => p.concurrency ?? DEFAULT_CONCURRENCY.replicate)),
        requestsPerSecond: Math.min(...replicateProfiles.map((p) => p.requestsPerSecond ?? DEFAULT_RATE.replicate)),
        retry: tuning.retry,
        requestTimeoutMs: tuning.requestTimeoutMs,
        downloadTimeoutMs: tuning.downloadTimeoutMs,
        leaseMs: tuning.leaseMs,
        slotPollMs: tuning.slotPollMs,
        http: new ProviderHttpClient(REPLICATE, deps.fetch),
      })
    : null;
  const webhookUrl = replicateWebhookUrl(config);
  const webhook: ReplicateWebhookConfig | null =
    webhookUrl && deps.webhookWaiter ? { url: webhookUrl, waiter: deps.webhookWaiter } : null;

  const endpointsOf = (p: ModelProfile) =>
    new VllmOmniEndpoints(p.endpoints ?? config.providers.vllmOmniBaseUrls, vllmHttp, {
      redis: deps.redis,
      prefix,
      concurrency: p.concurrency ?? DEFAULT_CONCURRENCY['vllm-omni'],
      requestsPerSecond: p.requestsPerSecond ?? DEFAULT_RATE['vllm-omni'],
      leaseMs: tuning.leaseMs,
      pollMs: tuning.slotPollMs,
    });

  const build = (p: ModelProfile): AnyGenerator | null => {
    if (p.provider === 'onnx') return null; // in-process checks, run by libs/inference
    if (p.provider === 'embedded') return deps.embedded[p.kind as keyof EmbeddedGenerators] ?? null;
    if (p.provider === 'vllm-omni') {
      const shared = { profile: p, endpoints: endpointsOf(p), http: vllmHttp, media: vllmMedia, tuning };
      if (p.kind === 'video') return new VllmOmniVideoGenerator(shared);
      if (p.kind === 'image') return new VllmOmniImageGenerator(shared);
      if (p.kind === 'speech') return new VllmOmniSpeechGenerator(shared);
      return null;
    }
    const shared = { profile: p, client: replicate!, media: replicateMedia, tuning, webhook };
    if (p.kind === 'video') return new ReplicateVideoGenerator(shared);
    if (p.kind === 'music') return new ReplicateMusicGenerator(shared);
    return null;
  };

  const byProfile = new Map<string, AnyGenerator>();
  for (const profile of registry.profiles.values()) {
    const generator = build(profile);
    if (generator) byProfile.set(profile.name, generator);
  }
  const videoFor = (name: string): VideoGenerator => {
    const profile = registry.get(name);
    const generator = byProfile.get(name);
    if (profile.kind !== 'video' || !generator) throw new RangeError(`profile ${name} has no video generator`);
    return generator as VideoGenerator;
  };

  return {
    video: videoFor(registry.defaultVideo.name),
    music: (byProfile.get('music_default') as MusicGenerator | undefined) ?? deps.embedded.music,
    image: (byProfile.get('image_default') as ImageGenerator | undefined) ?? null,
    speech: (byProfile.get('speech_default') as SpeechGenerator | undefined) ?? null,
    byProfile,
    videoFor,
    async cancel(ref) {
      if (ref.provider === VLLM_OMNI) return cancelVllmOmniJob(vllmHttp, ref, tuning);
      if (ref.provider === REPLICATE && replicate) return replicate.cancel(ref.id, ReplicateClient.keyOf(ref.endpoint));
    },
  };
}
