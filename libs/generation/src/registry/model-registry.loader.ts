import { readFileSync } from 'node:fs';
import { type AppConfig, ConfigError } from '@app/config';
import { parseFrameSize } from './model-limits.util';
import {
  type ModelKind,
  type ModelProfile,
  type ModelProfileInput,
  modelProfileSchema,
  PROFILE_NAME,
  registryFileSchema,
  STANDARD_PROFILES,
  type StandardProfileName,
} from './model-profile.schema';

/** Replicate models whose inputs the adapters know how to build (input names differ per model). */
export const REPLICATE_MODELS: Readonly<Record<string, ModelKind>> = {
  'kwaivgi/kling-v2.5-turbo-pro': 'video',
  'stability-ai/stable-audio-2.5': 'music',
  'black-forest-labs/flux-schnell': 'image',
};

const KIND_OF_STANDARD: Record<StandardProfileName, ModelKind> = {
  image_default: 'image',
  image_hd: 'image',
  video_default: 'video',
  video_long: 'video',
  music_default: 'music',
  speech_default: 'speech',
  continuity_default: 'continuity',
  safety_default: 'safety',
};

const KINDS_BY_PROVIDER: Record<ModelProfile['provider'], readonly ModelKind[]> = {
  embedded: ['video', 'image', 'music', 'speech'],
  'vllm-omni': ['video', 'image', 'speech'],
  replicate: ['video', 'image', 'music'],
  'nvidia-cosmos': ['video'],
  onnx: ['continuity', 'safety'],
};

/**
 * The in-process checks, on models the project builds itself (libs/inference): luma SSIM with a
 * chroma term for boundaries, and a photosensitive-flash classifier (ITU-R BT.1702: no more than
 * three flashes a second) over every frame.
 * A MODELS_FILE entry with `path` swaps in any ONNX model with the same signature.
 */
export const ONNX_PROFILES: Record<'continuity_default' | 'safety_default', ModelProfileInput> = {
  continuity_default: {
    kind: 'continuity',
    provider: 'onnx',
    model: 'reelsmith/continuity-ssim-7x7',
    path: null,
    threshold: 0.6,
    inputSize: 64,
  },
  safety_default: {
    kind: 'safety',
    provider: 'onnx',
    model: 'reelsmith/flash-bt1702',
    path: null,
    labels: ['ok', 'flash'],
    blockLabels: ['flash'],
    threshold: 0.5,
    inputSize: 32,
    sampleFps: 30,
  },
};

/** What runs with nothing configured: the embedded renderers, free. */
export const EMBEDDED_PROFILES: Record<StandardProfileName, ModelProfileInput> = {
  video_default: { kind: 'video', provider: 'embedded', model: 'animatic', fps: 24, acceptsFirstFrame: true },
  video_long: { kind: 'video', provider: 'embedded', model: 'animatic', fps: 24, acceptsFirstFrame: true },
  image_default: { kind: 'image', provider: 'embedded', model: 'animatic-frame' },
  image_hd: { kind: 'image', provider: 'embedded', model: 'animatic-frame', maxWidth: 3840, maxHeight: 3840 },
  music_default: { kind: 'music', provider: 'embedded', model: 'synth' },
  speech_default: { kind: 'speech', provider: 'embedded', model: 'flite' },
  ...ONNX_PROFILES,
};

/**
 * With VLLM_OMNI_BASE_URL: Wan2.2 TI2V-5B (text and image to video, 1280x704 or 704x1280, 121 frames
 * at 24 fps, one GPU per server), Z-Image-Turbo for keyframes and Qwen3-TTS for voiceover. Each
 * vLLM-Omni server runs one model; the adapters send each request to a server that lists its model.
 */
export const VLLM_OMNI_PROFILES: Partial<Record<string, ModelProfileInput>> = {
  video_default: {
    kind: 'video',
    provider: 'vllm-omni',
    model: 'Wan-AI/Wan2.2-TI2V-5B-Diffusers',
    precision: 'bf16',
    maxWidth: 1280,
    maxHeight: 704,
    sizeQuantum: 32,
    maxFrames: 121,
    framesQuantum: 4,
    fps: 24,
    acceptsFirstFrame: true,
    sampling: { steps: 50, guidance: 5, flowShift: 5, seed: null },
    negativePrompt: 'blurry, low quality, distorted faces, watermark, text artifacts, flicker',
    concurrency: 1,
    requestsPerSecond: 5,
  },
  image_default: {
    kind: 'image',
    provider: 'vllm-omni',
    model: 'Tongyi-MAI/Z-Image-Turbo',
    precision: 'bf16',
    maxWidth: 2048,
    maxHeight: 2048,
    sampling: { steps: 9, guidance: 0, flowShift: null, seed: null },
    concurrency: 2,
    requestsPerSecond: 5,
  },
  speech_default: {
    kind: 'speech',
    provider: 'vllm-omni',
    model: 'Qwen/Qwen3-TTS-12Hz-1.7B-CustomVoice',
    voice: 'vivian',
    concurrency: 4,
    requestsPerSecond: 10,
  },
};

/** Kling's published input schema: `duration` 5 or 10, first and last frame; list price per second of video. */
export const KLING_PROFILE: ModelProfileInput = {
  kind: 'video',
  provider: 'replicate',
  model: 'kwaivgi/kling-v2.5-turbo-pro',
  maxWidth: 1920,
  maxHeight: 1080,
  fps: 24,
  clipLengthsSec: [5, 10],
  acceptsFirstFrame: true,
  acceptsLastFrame: true,
  negativePrompt: 'blurry, low quality, distorted, watermark',
  price: { perSecondUsd: 0.07 },
  concurrency: 4,
  requestsPerSecond: 8,
};

/**
 * Cosmos-Predict1-7B on the NVIDIA API catalogue: Text2World, or Video2World when a first frame is
 * given. It makes 121 frames (its first frame and 5 s at 24 fps) at 1280x704, the only length and size
 * NVIDIA's examples ask for, so those are all it is asked for; normalisation cuts and reframes. The
 * catalogue runs one request per API key at a time. No price: the catalogue bills in credits, so set
 * `price` in MODELS_FILE to what your NVIDIA agreement charges.
 */
export const COSMOS_PROFILE: ModelProfileInput = {
  kind: 'video',
  provider: 'nvidia-cosmos',
  model: 'nvidia/cosmos-predict1-7b',
  maxWidth: 1280,
  maxHeight: 704,
  sizes: ['1280x704'],
  fps: 24,
  clipLengthsSec: [5],
  acceptsFirstFrame: true,
  concurrency: 1,
  // NVIDIA's trial catalogue allows about 40 requests a minute per key; polls count too
  requestsPerSecond: 0.6,
};

/**
 * FLUX.1 [schnell] on Replicate: text to image in 1 to 4 steps, at the aspect ratios its schema
 * lists (1536 px at most on the long side, 1024 on the short); list price per image.
 */
export const FLUX_SCHNELL_PROFILE: ModelProfileInput = {
  kind: 'image',
  provider: 'replicate',
  model: 'black-forest-labs/flux-schnell',
  maxWidth: 1536,
  maxHeight: 1024,
  sampling: { steps: 4, guidance: null, flowShift: null, seed: null },
  price: { perCallUsd: 0.003 },
  concurrency: 4,
  requestsPerSecond: 8,
  timeoutSec: 300,
};

/** With REPLICATE_API_TOKEN: Kling for long shots (and for all video when no vLLM-Omni server is set), FLUX.1 [schnell] as `image_flux`, Stable Audio 2.5 for the bed. */
function replicateProfiles(hasVllm: boolean): Record<string, ModelProfileInput> {
  return {
    video_kling: KLING_PROFILE,
    video_long: KLING_PROFILE,
    // named, not the default: keyframes and images stay on image_default unless MODELS_FILE points it here
    image_flux: FLUX_SCHNELL_PROFILE,
    ...(hasVllm ? {} : { video_default: KLING_PROFILE }),
    music_default: {
      kind: 'music',
      provider: 'replicate',
      model: 'stability-ai/stable-audio-2.5',
      sampling: { steps: 8, guidance: 1, flowShift: null, seed: null },
      price: { perCallUsd: 0.2 },
      concurrency: 4,
      requestsPerSecond: 8,
    },
  };
}

export interface ModelRegistry {
  readonly profiles: ReadonlyMap<string, ModelProfile>;
  /** the registry file that was read, if any */
  readonly file: string | null;
  get(name: string): ModelProfile;
  find(name: string): ModelProfile | null;
  /** DEFAULT_VIDEO_PROFILE */
  readonly defaultVideo: ModelProfile;
}

type ProvidersConfig = Pick<AppConfig['providers'], 'modelsFile' | 'vllmOmniBaseUrls' | 'replicateTokens'> &
  Partial<Pick<AppConfig['providers'], 'defaultVideoProfile' | 'nvidiaApiKeys'>>;

export interface LoadRegistryOptions {
  readFile?: (path: string) => string;
}

function readRegistryFile(path: string, read: (path: string) => string, problems: string[]): Record<string, unknown> {
  let raw: string;
  try {
    raw = read(path);
  } catch (error) {
    problems.push(`MODELS_FILE: cannot read ${path}: ${(error as Error).message}`);
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    problems.push(`MODELS_FILE: ${path} is not JSON: ${(error as Error).message}`);
    return {};
  }
  const file = registryFileSchema.safeParse(json);
  if (!file.success) {
    for (const issue of file.error.issues)
      problems.push(`MODELS_FILE ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return {};
  }
  return file.data.profiles;
}

function checkProfile(p: ModelProfile, config: ProvidersConfig, where: string, problems: string[]): void {
  const standardKind = KIND_OF_STANDARD[p.name as StandardProfileName];
  if (standardKind && p.kind !== standardKind) problems.push(`${where}: ${p.name} must be a ${standardKind} profile`);
  if (!KINDS_BY_PROVIDER[p.provider].includes(p.kind))
    problems.push(
      `${where}: ${p.provider} does not make ${p.kind} (it makes ${KINDS_BY_PROVIDER[p.provider].join(', ')})`,
    );
  if (p.provider === 'vllm-omni' && !p.endpoints?.length && !config.vllmOmniBaseUrls.length)
    problems.push(`${where}: vllm-omni needs VLLM_OMNI_BASE_URL or "endpoints"`);
  if (p.provider !== 'vllm-omni' && p.endpoints)
    problems.push(`${where}: "endpoints" only applies to vllm-omni profiles`);
  if (p.provider === 'nvidia-cosmos' && !config.nvidiaApiKeys?.length)
    problems.push(`${where}: nvidia-cosmos needs NVIDIA_API_KEY`);
  if (p.provider !== 'nvidia-cosmos' && p.firstFrameModel)
    problems.push(`${where}: "firstFrameModel" only applies to nvidia-cosmos profiles`);
  if (p.firstFrameModel && !p.acceptsFirstFrame)
    problems.push(`${where}: "firstFrameModel" needs "acceptsFirstFrame": true`);
  if (p.sizes && p.kind !== 'video') problems.push(`${where}: "sizes" only applies to video profiles`);
  for (const size of p.sizes ?? []) {
    const { width, height } = parseFrameSize(size);
    if (
      Math.max(width, height) > Math.max(p.maxWidth, p.maxHeight) ||
      Math.min(width, height) > Math.min(p.maxWidth, p.maxHeight)
    )
      problems.push(`${where}: size ${size} is outside maxWidth x maxHeight (${p.maxWidth}x${p.maxHeight})`);
  }
  if (p.provider === 'replicate') {
    if (!config.replicateTokens.length) problems.push(`${where}: replicate needs REPLICATE_API_TOKEN`);
    if (REPLICATE_MODELS[p.model] !== p.kind)
      problems.push(
        `${where}: replicate model ${p.model} is not one the adapters know for ${p.kind} ` +
          `(known: ${Object.keys(REPLICATE_MODELS).join(', ')})`,
      );
  }
  if (p.kind === 'video' && p.provider !== 'embedded') {
    if (!p.fps) problems.push(`${where}: a video profile needs "fps"`);
    if (!p.clipLengthsSec && p.maxFrames === null)
      problems.push(`${where}: a video profile needs "clipLengthsSec" or "maxFrames"`);
  }
  if (p.kind !== 'video' && (p.clipLengthsSec || p.maxFrames !== null))
    problems.push(`${where}: "clipLengthsSec" and "maxFrames" only apply to video profiles`);
  if (p.kind !== 'video' && p.maxBatch > 1) problems.push(`${where}: "maxBatch" only applies to video profiles`);
  const onnx = p.provider === 'onnx';
  if (!onnx && (p.path !== null || p.threshold !== undefined || p.inputSize !== undefined))
    problems.push(`${where}: "path", "threshold" and "inputSize" only apply to onnx profiles`);
  if (p.kind !== 'safety' && (p.labels || p.blockLabels || p.sampleFps !== undefined))
    problems.push(`${where}: "labels", "blockLabels" and "sampleFps" only apply to safety profiles`);
  if (onnx && p.threshold === undefined) problems.push(`${where}: an onnx profile needs "threshold"`);
  if (p.kind === 'safety') {
    if (!p.labels) problems.push(`${where}: a safety profile needs "labels" (the classifier's outputs, in order)`);
    const unknown = (p.blockLabels ?? []).filter((l) => !p.labels?.includes(l));
    if (!p.blockLabels?.length) problems.push(`${where}: a safety profile needs "blockLabels"`);
    else if (unknown.length) problems.push(`${where}: blockLabels ${unknown.join(', ')} are not among its labels`);
  }
}

/**
 * The model profiles in force: embedded defaults, then what the environment implies (vLLM-Omni
 * servers, Replicate tokens, NVIDIA API keys), then MODELS_FILE, whose entries replace same-named profiles whole.
 * Every bad entry and every profile that cannot run with this configuration is listed at once.
 */
export function loadModelRegistry(
  config: { providers: ProvidersConfig },
  options: LoadRegistryOptions = {},
): ModelRegistry {
  const providers = config.providers;
  const problems: string[] = [];
  const inputs: Record<string, { input: unknown; where: string }> = {};
  const put = (entries: Record<string, unknown>, where: string) => {
    for (const [name, input] of Object.entries(entries)) inputs[name] = { input, where: `${where} ${name}` };
  };

  put(EMBEDDED_PROFILES, 'default');
  if (providers.vllmOmniBaseUrls.length) put(VLLM_OMNI_PROFILES, 'VLLM_OMNI_BASE_URL default');
  if (providers.replicateTokens.length)
    put(replicateProfiles(providers.vllmOmniBaseUrls.length > 0), 'REPLICATE_API_TOKEN default');
  if (providers.nvidiaApiKeys?.length) {
    // Cosmos makes 5 s shots, so it takes the default only when no other real video backend is configured
    const otherVideo = providers.vllmOmniBaseUrls.length > 0 || providers.replicateTokens.length > 0;
    put(
      { video_cosmos: COSMOS_PROFILE, ...(otherVideo ? {} : { video_default: COSMOS_PROFILE }) },
      'NVIDIA_API_KEY default',
    );
  }
  if (providers.modelsFile)
    put(
      readRegistryFile(providers.modelsFile, options.readFile ?? ((p) => readFileSync(p, 'utf8')), problems),
      'MODELS_FILE',
    );

  const profiles = new Map<string, ModelProfile>();
  for (const [name, { input, where }] of Object.entries(inputs)) {
    if (!PROFILE_NAME.test(name)) {
      problems.push(`${where}: profile names are lowercase letters, digits and _ (1 to 64)`);
      continue;
    }
    const parsed = modelProfileSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${where}${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
      continue;
    }
    const { $comment: _comment, ...fields } = parsed.data;
    const profile: ModelProfile = {
      ...fields,
      name,
      clipLengthsSec: fields.clipLengthsSec ? [...new Set(fields.clipLengthsSec)].sort((a, b) => a - b) : null,
    };
    checkProfile(profile, providers, where, problems);
    profiles.set(name, profile);
  }

  for (const name of STANDARD_PROFILES) if (!inputs[name]) problems.push(`profile ${name} is missing`);
  const defaultName = providers.defaultVideoProfile ?? 'video_default';
  const defaultVideo = profiles.get(defaultName);
  if (!defaultVideo && !inputs[defaultName]) problems.push(`DEFAULT_VIDEO_PROFILE: no profile named ${defaultName}`);
  else if (defaultVideo && defaultVideo.kind !== 'video')
    problems.push(`DEFAULT_VIDEO_PROFILE: ${defaultName} is a ${defaultVideo.kind} profile, not video`);

  if (problems.length) throw new ConfigError(problems);

  return {
    profiles,
    file: providers.modelsFile,
    defaultVideo: defaultVideo!,
    find: (name) => profiles.get(name) ?? null,
    get(name) {
      const profile = profiles.get(name);
      if (!profile) throw new RangeError(`no model profile named ${name} (have: ${[...profiles.keys()].join(', ')})`);
      return profile;
    },
  };
}
