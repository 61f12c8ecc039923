import { type OutputSpec, type StoryboardScene } from '@app/domain';

export interface StepOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface VideoRequest {
  scene: StoryboardScene;
  spec: OutputSpec;
  /** exact clip length, including any crossfade overlap it carries */
  durationSec: number;
  /** PNG of the previous scene's last frame when this scene continues its shot */
  seedFramePath: string | null;
  seed: number;
  workDir: string;
}

/** Makes one scene's clip, already normalised to `spec` (H.264, size, fps, yuv420p). */
export interface VideoGenerator {
  readonly name: string;
  /** false for the embedded animatic: health reports whether real video is being made */
  readonly real: boolean;
  generate(request: VideoRequest, options?: StepOptions): Promise<{ path: string }>;
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
  generate(request: MusicRequest, options?: StepOptions): Promise<{ path: string }>;
}

export const VIDEO_GENERATOR = Symbol('VIDEO_GENERATOR');
export const MUSIC_GENERATOR = Symbol('MUSIC_GENERATOR');
