import { Inject, Injectable } from '@nestjs/common';
import { AppError, type Brief, clipDurationSec, type Storyboard, Errors } from '@app/domain';
import { MODEL_REGISTRY } from '../generation.tokens';
import { maxClipSec } from './model-limits.util';
import { type ModelProfile } from './model-profile.schema';
import { type ModelRegistry } from './model-registry.loader';

/** The profile the pipeline turns to for scenes longer than the default model makes in one call. */
export const LONG_VIDEO_PROFILE = 'video_long';
/** The image profile that makes the boundary keyframes of anchored chains. */
export const KEYFRAME_PROFILE = 'image_default';

/** Which model profile makes what: the job's video profile, and each scene's. */
@Injectable()
export class ModelRouter {
  constructor(@Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry) {}

  videoProfile(brief: Pick<Brief, 'videoProfile'>): ModelProfile {
    if (!brief.videoProfile) return this.registry.defaultVideo;
    const profile = this.registry.find(brief.videoProfile);
    if (!profile || profile.kind !== 'video') {
      throw new AppError(Errors.unknownProfile, `no video profile named ${brief.videoProfile}`);
    }
    return profile;
  }

  /**
   * The profile a scene is generated with: the job's own when it names one; otherwise the default,
   * or `video_long` when the scene is longer than the default model makes in one call and the long
   * model makes more. Each profile has its own scene queue, served by the workers that hold it.
   */
  sceneProfile(
    brief: Pick<Brief, 'videoProfile'>,
    storyboard: Pick<Storyboard, 'scenes'>,
    index: number,
  ): ModelProfile {
    const chosen = this.videoProfile(brief);
    if (brief.videoProfile) return chosen;
    const long = this.registry.find(LONG_VIDEO_PROFILE);
    const need = clipDurationSec(storyboard.scenes, index);
    const fits = (p: ModelProfile) => (maxClipSec(p) ?? Infinity) * p.maxSlowdown >= need;
    if (
      long &&
      long.kind === 'video' &&
      !fits(chosen) &&
      (maxClipSec(long) ?? Infinity) > (maxClipSec(chosen) ?? Infinity)
    )
      return long;
    return chosen;
  }
}
