import { Inject, Injectable } from '@nestjs/common';
import { AppError, type Brief, clipDurationSec, type JobSchedule, type Storyboard } from '@app/domain';
import {
  estimateCost,
  maxClipSec,
  MODEL_REGISTRY,
  type ModelProfile,
  type ModelRegistry,
  planClipLengths,
} from '@app/generation';

/** The profile the pipeline turns to for scenes longer than the default model makes in one call. */
export const LONG_VIDEO_PROFILE = 'video_long';

/** Prices from the model registry: what a job or a scene will cost before anything is spent. */
@Injectable()
export class CostEstimator {
  constructor(@Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry) {}

  videoProfile(brief: Brief): ModelProfile {
    if (!brief.videoProfile) return this.registry.defaultVideo;
    const profile = this.registry.find(brief.videoProfile);
    if (!profile || profile.kind !== 'video') {
      throw new AppError('PROVIDER.UNKNOWN_PROFILE', `no video profile named ${brief.videoProfile}`, { status: 400 });
    }
    return profile;
  }

  /**
   * The profile a scene is generated with: the job's own when it names one; otherwise the default,
   * or `video_long` when the scene is longer than the default model makes in one call and the long
   * model makes more. Each profile has its own scene queue, served by the workers that hold it.
   */
  sceneProfile(brief: Brief, storyboard: Pick<Storyboard, 'scenes'>, index: number): ModelProfile {
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

  scene(brief: Brief, storyboard: Storyboard, index: number): number {
    const profile = this.sceneProfile(brief, storyboard, index);
    return estimateCost(profile, planClipLengths(profile, clipDurationSec(storyboard.scenes, index)), 1);
  }

  /** One image per boundary keyframe of the anchored chains. */
  keyframes(schedule: JobSchedule | null): number {
    const image = this.registry.find('image_default');
    return image && schedule?.keyframes.length ? estimateCost(image, 0, schedule.keyframes.length) : 0;
  }

  job(brief: Brief, storyboard: Storyboard, schedule: JobSchedule | null = null): number {
    const scenes = storyboard.scenes.reduce((sum, _, i) => sum + this.scene(brief, storyboard, i), 0);
    const music = this.registry.find('music_default');
    const bed = storyboard.music.enabled && music ? estimateCost(music, storyboard.durationSec, 1) : 0;
    return scenes + bed + this.keyframes(schedule);
  }

  /** Fails before spending when `more` would take the job past its budget. */
  assertWithinBudget(brief: Brief, spentUsd: number, moreUsd: number): void {
    if (brief.budgetUsd === undefined || spentUsd + moreUsd <= brief.budgetUsd + 1e-9) return;
    throw new AppError(
      'BUDGET.EXCEEDED',
      `generation would cost about $${(spentUsd + moreUsd).toFixed(2)}, over the job's budget of $${brief.budgetUsd.toFixed(2)}`,
      { status: 402 },
    );
  }
}
