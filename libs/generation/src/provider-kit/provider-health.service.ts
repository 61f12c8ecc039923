import { existsSync } from 'node:fs';
import { type AppConfig } from '@app/config';
import { type ModelRegistry } from '../registry/model-registry.loader';
import { type ModelProfile } from '../registry/model-profile.schema';
import { fingerprint } from '../throughput/key-ring.service';
import { replicateWebhookUrl } from '../generators.factory';
import { type FetchLike, ProviderHttpClient } from './provider-http.client';
import { REPLICATE } from '../replicate/replicate.client';
import { NVIDIA_COSMOS } from '../nvidia-cosmos/nvidia-cosmos.client';
import { VLLM_OMNI } from '../vllm-omni/vllm-omni-video.adapter';
import { trimBase } from '../vllm-omni/vllm-omni.endpoints';

type HealthConfig = Pick<AppConfig, 'providers'>;

export interface ProfileDescription {
  name: string;
  kind: ModelProfile['kind'];
  provider: ModelProfile['provider'];
  model: string;
  /** false for the embedded renderers: real generated media needs a provider */
  real: boolean;
  /** where it runs, as origins (no credentials, no paths) */
  endpoints: string[];
  price: ModelProfile['price'];
}

export interface ProvidersDescription {
  defaultVideoProfile: string;
  realVideo: boolean;
  profiles: ProfileDescription[];
  replicate: { keys: string[]; webhooks: boolean } | null;
  /** where Cosmos is invoked and polled, and with which keys (fingerprints) */
  nvidiaCosmos: { keys: string[]; invoke: string; status: string } | null;
}

/** Origin only: a base URL may carry a user and password, which health output must never show. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}

function endpointsOf(p: ModelProfile, config: HealthConfig): string[] {
  if (p.provider === 'vllm-omni') return (p.endpoints ?? config.providers.vllmOmniBaseUrls).map(origin);
  if (p.provider === 'replicate') return [origin(config.providers.replicateBaseUrl)];
  if (p.provider === NVIDIA_COSMOS)
    return [origin(config.providers.nvidiaBaseUrl), origin(config.providers.nvcfBaseUrl)];
  return [];
}

/** What is configured, for GET /v1/health and the boot log. Names key fingerprints, never keys. */
export function describeProviders(registry: ModelRegistry, config: HealthConfig): ProvidersDescription {
  const profiles = [...registry.profiles.values()].map((p) => ({
    name: p.name,
    kind: p.kind,
    provider: p.provider,
    model: p.model,
    real: p.provider !== 'embedded',
    endpoints: endpointsOf(p, config),
    price: p.price,
  }));
  const usesReplicate = profiles.some((p) => p.provider === 'replicate');
  const usesCosmos = profiles.some((p) => p.provider === NVIDIA_COSMOS);
  return {
    defaultVideoProfile: registry.defaultVideo.name,
    realVideo: registry.defaultVideo.provider !== 'embedded',
    profiles,
    replicate: usesReplicate
      ? { keys: config.providers.replicateTokens.map(fingerprint), webhooks: replicateWebhookUrl(config) !== null }
      : null,
    nvidiaCosmos: usesCosmos
      ? {
          keys: config.providers.nvidiaApiKeys.map(fingerprint),
          invoke: origin(config.providers.nvidiaBaseUrl),
          status: origin(config.providers.nvcfBaseUrl),
        }
      : null,
  };
}

export interface ProviderCheck {
  provider: string;
  /** an origin, or `key:<fingerprint>` */
  target: string;
  ok: boolean;
  latencyMs: number;
  detail?: string;
  /** vLLM-Omni: the models the server says it runs */
  models?: string[];
}

export interface ProvidersHealth {
  /** ok: everything answers; degraded: every profile still has a working endpoint or key; down: some profile has none */
  status: 'ok' | 'degraded' | 'down';
  checks: ProviderCheck[];
  profiles: { name: string; ok: boolean; reason?: string }[];
}

export interface CheckOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: Error; latencyMs: number }> {
  const start = Date.now();
  try {
    return { value: await fn(), latencyMs: Date.now() - start };
  } catch (error) {
    return { error: error as Error, latencyMs: Date.now() - start };
  }
}

/**
 * Reachability of every configured provider: GET /v1/models on each vLLM-Omni server (and whether
 * it runs the models the profiles name), GET /v1/account with each Replicate token, GET
 * /v2/nvcf/assets with each NVIDIA key (the cheapest documented call a catalogue key may make: it
 * lists the account's assets and generates nothing). One call per target, no retries: health
 * answers fast and tells the truth about now.
 */
export async function checkProviders(
  registry: ModelRegistry,
  config: HealthConfig,
  options: CheckOptions = {},
): Promise<ProvidersHealth> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const profiles = [...registry.profiles.values()];
  const vllmUrls = [
    ...new Set(
      profiles
        .filter((p) => p.provider === 'vllm-omni')
        .flatMap((p) => p.endpoints ?? config.providers.vllmOmniBaseUrls)
        .map(trimBase),
    ),
  ];
  const usesReplicate = profiles.some((p) => p.provider === 'replicate');
  const vllmHttp = new ProviderHttpClient(VLLM_OMNI, options.fetch);
  const replicateHttp = new ProviderHttpClient(REPLICATE, options.fetch);

  const vllmChecks = vllmUrls.map(async (url): Promise<ProviderCheck & { url: string }> => {
    const r = await timed(() =>
      vllmHttp.json<{ data?: { id?: string }[] }>({ method: 'GET', url: `${url}/v1/models`, timeoutMs }),
    );
    const models = (r.value?.body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
    return {
      url,
      provider: VLLM_OMNI,
      target: origin(url),
      ok: !r.error,
      latencyMs: r.latencyMs,
      detail: r.error?.message,
      models,
    };
  });
  const base = trimBase(config.providers.replicateBaseUrl);
  const replicateChecks = (usesReplicate ? config.providers.replicateTokens : []).map(
    async (token): Promise<ProviderCheck> => {
      const r = await timed(() =>
        replicateHttp.json({
          method: 'GET',
          url: `${base}/v1/account`,
          headers: { authorization: `Bearer ${token}` },
          timeoutMs,
        }),
      );
      return {
        provider: REPLICATE,
        target: `key:${fingerprint(token)}`,
        ok: !r.error,
        latencyMs: r.latencyMs,
        detail: r.error?.message,
      };
    },
  );
  const usesCosmos = profiles.some((p) => p.provider === NVIDIA_COSMOS);
  const cosmosHttp = new ProviderHttpClient(NVIDIA_COSMOS, options.fetch);
  const nvcf = trimBase(config.providers.nvcfBaseUrl);
  const cosmosChecks = (usesCosmos ? config.providers.nvidiaApiKeys : []).map(async (key): Promise<ProviderCheck> => {
    const r = await timed(() =>
      cosmosHttp.bytes({
        method: 'GET',
        url: `${nvcf}/v2/nvcf/assets`,
        headers: { authorization: `Bearer ${key}` },
        timeoutMs,
      }),
    );
    return {
      provider: NVIDIA_COSMOS,
      target: `key:${fingerprint(key)}`,
      ok: !r.error,
      latencyMs: r.latencyMs,
      detail: r.error?.message,
    };
  });
  const vllm = await Promise.all(vllmChecks);
  const replicate = await Promise.all(replicateChecks);
  const cosmos = await Promise.all(cosmosChecks);

  const profileHealth = profiles.map((p) => {
    if (p.provider === 'embedded') return { name: p.name, ok: true };
    // in-process models: built in, or a file this process must be able to read
    if (p.provider === 'onnx')
      return p.path === null || existsSync(p.path)
        ? { name: p.name, ok: true }
        : { name: p.name, ok: false, reason: `model file ${p.path} is missing` };
    if (p.provider === 'replicate')
      return replicate.some((c) => c.ok)
        ? { name: p.name, ok: true }
        : { name: p.name, ok: false, reason: 'no Replicate token is accepted' };
    if (p.provider === NVIDIA_COSMOS)
      return cosmos.some((c) => c.ok)
        ? { name: p.name, ok: true }
        : { name: p.name, ok: false, reason: 'no NVIDIA API key is accepted' };
    const mine = vllm.filter((c) => (p.endpoints ?? config.providers.vllmOmniBaseUrls).map(trimBase).includes(c.url));
    const up = mine.filter((c) => c.ok);
    if (!up.length) return { name: p.name, ok: false, reason: 'no vLLM-Omni server answers' };
    if (!up.some((c) => c.models?.includes(p.model)))
      return { name: p.name, ok: false, reason: `no answering vLLM-Omni server runs ${p.model}` };
    return { name: p.name, ok: true };
  });

  const checks: ProviderCheck[] = [...vllm.map(({ url: _url, ...check }) => check), ...replicate, ...cosmos];
  const status = profileHealth.some((p) => !p.ok) ? 'down' : checks.every((c) => c.ok) ? 'ok' : 'degraded';
  return { status, checks, profiles: profileHealth };
}
