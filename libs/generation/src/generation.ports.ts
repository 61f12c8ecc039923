import { type OutputSpec, type StoryboardScene } from '@app/domain';

/** A job created at a provider (which bills for it): enough to poll, fetch or cancel it again. */
export interface ProviderJobRef {
  provider: string;
  id: string;
  /** the base URL (self-hosted) or API the job lives on */
  endpoint: string;
  model: string;
  createdAt: string;
}

/**
 * A create about to be sent: where, when and what the provider will echo back of it. Recorded before
 * the request, it lets a restart find a job the provider made but the crashed run never recorded
 * (the provider answered, the process died before its record was written) instead of paying again.
 */
export interface ProviderIntent {
  provider: string;
  endpoint: string;
  model: string;
  /** when the request was sent (ISO); the provider's job was created at or after it */
  at: string;
  /** a digest of the request fields the provider echoes in its job records (prompt, size) */
  fingerprint: string;
}

/** What a generation used, for the job's cost record. */
export interface GenerationUsage {
  provider: string;
  model: string;
  /** seconds of media generated */
  seconds: number;
  calls: number;
  costUsd: number;
}

export interface StepOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** a provider job an earlier attempt created: poll it to the end instead of creating (and paying for) another */
  resume?: ProviderJobRef | null;
  /**
   * called with the provider's job before polling starts, so it is stored before anything can crash;
   * `adopted` when it is an earlier attempt's unrecorded job (see `resumeIntent`), not a new one
   */
  onProviderJob?: (ref: ProviderJobRef, adopted?: boolean) => Promise<void>;
  /** called before a create is sent, so it is stored before the provider can bill for it */
  onProviderIntent?: (intent: ProviderIntent) => Promise<void>;
  /** an earlier attempt's create that was sent but whose job was never recorded: adopt that job if it exists */
  resumeIntent?: ProviderIntent | null;
  /**
   * Takes a provider job for this generation, exclusively: false when another generation holds it.
   * Without it no unrecorded job is adopted (nothing would stop two restarts adopting the same one).
   */
  claimProviderJob?: (ref: ProviderJobRef) => Promise<boolean>;
}

export interface GenerationResult {
  path: string;
  usage?: GenerationUsage;
}

export interface VideoRequest {
  scene: StoryboardScene;
  spec: OutputSpec;
  /** exact clip length, including any crossfade overlap it carries */
  durationSec: number;
  /** PNG the clip must start on: the previous scene's last frame (chained) or its start keyframe (anchored) */
  seedFramePath: string | null;
  /** PNG the clip must end on (anchored chains; only for models that take a last frame) */
  endFramePath?: string | null;
  seed: number;
  workDir: string;
}

/** Makes one scene's clip, already normalised to `spec` (H.264, size, fps, yuv420p). */
export interface VideoGenerator {
  readonly name: string;
  /** false for the embedded animatic: health reports whether real video is being made */
  readonly real: boolean;
  generate(request: VideoRequest, options?: StepOptions): Promise<GenerationResult>;
  /**
   * Several compatible scenes (same model and parameters) in one call, for backends that batch
   * (profile `maxBatch` > 1); results in request order.
   */
  generateBatch?(requests: VideoRequest[], options?: StepOptions): Promise<GenerationResult[]>;
  /** cancels a provider job (a cancelled ad must not keep paying) */
  cancel?(ref: ProviderJobRef): Promise<void>;
}

export interface MusicRequest {
  mood: string;
  durationSec: number;
  seed: number;
  workDir: string;
}

/** Makes the music bed as an AAC .m4a of exactly `durationSec`. */
export interface MusicGenerator {
  readonly name: string;
  generate(request: MusicRequest, options?: StepOptions): Promise<GenerationResult>;
  cancel?(ref: ProviderJobRef): Promise<void>;
}

export const VIDEO_GENERATOR = Symbol('VIDEO_GENERATOR');
export const MUSIC_GENERATOR = Symbol('MUSIC_GENERATOR');

export interface ImageRequest {
  prompt: string;
  /** the scene the image opens, for embedded renderers that draw scenes rather than prompts */
  scene?: StoryboardScene;
  negativePrompt?: string;
  width: number;
  height: number;
  seed: number;
  workDir: string;
}

/** An edit of an existing picture (image-to-image, inpaint with a mask where white is repainted, outpaint). */
export interface ImageEditRequest extends ImageRequest {
  /** PNG or JPEG to edit */
  imagePath: string;
  /** PNG, white where the picture is to be repainted; null: the whole picture is guided by the prompt */
  maskPath?: string | null;
}

/** Keyframes for anchored scenes and single images: a PNG at the requested size. */
export interface ImageGenerator {
  readonly name: string;
  generate(request: ImageRequest, options?: StepOptions): Promise<GenerationResult>;
  /** edits an input picture (models with an edit endpoint, e.g. vLLM-Omni's /v1/images/edits) */
  edit?(request: ImageEditRequest, options?: StepOptions): Promise<GenerationResult>;
}

export interface SpeechRequest {
  text: string;
  voice?: string;
  workDir: string;
}

/** Voiceover: a WAV/MP3 of the spoken text. */
export interface SpeechGenerator {
  readonly name: string;
  generate(request: SpeechRequest, options?: StepOptions): Promise<GenerationResult>;
}

export const IMAGE_GENERATOR = Symbol('IMAGE_GENERATOR');
export const SPEECH_GENERATOR = Symbol('SPEECH_GENERATOR');
