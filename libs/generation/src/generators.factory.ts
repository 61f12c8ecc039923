import { type RedisClient } from '@app/pipeline';
import { type AppConfig } from '@app/config';
import { type FfmpegRunner } from '@app/media';
import {
  type ImageGenerator,
  type MusicGenerator,
  type ProviderJobRef,
  type SpeechGenerator,
  type VideoGenerator,
} from './generation.ports';
import { type ModelRegistry } from './registry/model-registry.loader';
import { type ModelProfile } from './registry/model-profile.schema';
import { type AdapterTuning, tuningWith } from './provider-kit/adapter-tuning';
import { type FetchLike, ProviderHttpClient } from './provider-kit/provider-http.client';
import { ProviderMedia } from './provider-kit/provider-media.service';
import { NVIDIA_COSMOS, NvidiaCosmosClient } from './nvidia-cosmos/nvidia-cosmos.client';
import { NvidiaCosmosVideoGenerator } from './nvidia-cosmos/nvidia-cosmos-video.adapter';
import { ReplicateImageGenerator } from './replicate/replicate-image.adapter';
import { ReplicateMusicGenerator } from './replicate/replicate-music.adapter';
import { type ReplicateWebhookConfig } from './replicate/replicate-prediction.driver';
import { ReplicateVideoGenerator } from './replicate/replicate-video.adapter';
import { REPLICATE_WEBHOOK_PATH, type ReplicateWebhookWaiter } from './replicate/replicate-webhook.waiter';
import { REPLICATE, ReplicateClient } from './replicate/replicate.client';
import { VllmOmniImageGenerator } from './vllm-omni/vllm-omni-image.adapter';
import { VllmOmniSpeechGenerator } from './vllm-omni/vllm-omni-speech.adapter';
import { cancelVllmOmniJob, VLLM_OMNI, VllmOmniVideoGenerator } from './vllm-omni/vllm-omni-video.adapter';
import { trimBase, VllmOmniEndpoints } from './vllm-omni/vllm-omni.endpoints';

/** The embedded backends, made by the lead's module (they need Nest-provided renderers). */
export interface EmbeddedGenerators {
  video: VideoGenerator;
  music: MusicGenerator;
  image?: ImageGenerator | null;
  speech?: SpeechGenerator | null;
}

export interface GeneratorDeps {
  /** a command connection (not a subscriber): semaphores and rate limits live here */
  redis: RedisClient;
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
  /**
   * Frees what a provider keeps of a finished job (a vLLM-Omni server's copy of the clip), once our
   * copy is stored: until then a restarted attempt resumes the job instead of paying for another.
   * Best effort: providers expire finished jobs themselves.
   */
  release(ref: ProviderJobRef): Promise<void>;
}

const DEFAULT_CONCURRENCY = { 'vllm-omni': 1, replicate: 4, 'nvidia-cosmos': 1 } as const;
const DEFAULT_RATE = { 'vllm-omni': 5, replicate: 8, 'nvidia-cosmos': 0.6 } as const;

/** The webhook Replicate should call, when the API can receive and verify one. */
export function replicateWebhookUrl(config: Pick<AppConfig, 'providers'>): string | null {
  const { publicBaseUrl, replicateWebhookSecret } = config.providers;
  return publicBaseUrl && replicateWebhookSecret ? `${trimBase(publicBaseUrl)}${REPLICATE_WEBHOOK_PATH}` : null;
}

/**
 * Port implementations for every configured profile: embedded ones as given, vLLM-Omni, Replicate
 * and NVIDIA Cosmos ones as adapters over one shared throughput layer (Redis semaphores and rate limits
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
  const cosmosProfiles = [...registry.profiles.values()].filter((p) => p.provider === NVIDIA_COSMOS);
  const cosmos = cosmosProfiles.length
    ? new NvidiaCosmosClient({
        baseUrl: config.providers.nvidiaBaseUrl,
        nvcfBaseUrl: config.providers.nvcfBaseUrl,
        keys: config.providers.nvidiaApiKeys,
        redis: deps.redis,
        prefix,
        // a key's limits are its account's, whichever model it calls: the strictest profile sets them
        concurrencyPerKey: Math.min(...cosmosProfiles.map((p) => p.concurrency ?? DEFAULT_CONCURRENCY[NVIDIA_COSMOS])),
        requestsPerSecond: Math.min(...cosmosProfiles.map((p) => p.requestsPerSecond ?? DEFAULT_RATE[NVIDIA_COSMOS])),
        retry: tuning.retry,
        requestTimeoutMs: tuning.requestTimeoutMs,
        downloadTimeoutMs: tuning.downloadTimeoutMs,
        leaseMs: tuning.leaseMs,
        slotPollMs: tuning.slotPollMs,
        http: new ProviderHttpClient(NVIDIA_COSMOS, deps.fetch),
      })
    : null;
  const cosmosMedia = new ProviderMedia(deps.ffmpeg, NVIDIA_COSMOS);
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
    if (p.provider === NVIDIA_COSMOS)
      return p.kind === 'video'
        ? new NvidiaCosmosVideoGenerator({ profile: p, client: cosmos!, media: cosmosMedia, tuning })
        : null;
    if (p.provider !== 'replicate') return null;
    const shared = { profile: p, client: replicate!, media: replicateMedia, tuning, webhook };
    if (p.kind === 'video') return new ReplicateVideoGenerator(shared);
    if (p.kind === 'music') return new ReplicateMusicGenerator(shared);
    if (p.kind === 'image') return new ReplicateImageGenerator(shared);
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
      // NVCF has no cancel for an accepted invocation: the aborted step stops polling, NVIDIA finishes it
      if (ref.provider === NVIDIA_COSMOS) return;
    },
    async release(ref) {
      // Replicate and NVCF keep outputs for a while and drop them on their own
      if (ref.provider === VLLM_OMNI) await cancelVllmOmniJob(vllmHttp, ref, tuning).catch(() => undefined);
    },
  };
}
