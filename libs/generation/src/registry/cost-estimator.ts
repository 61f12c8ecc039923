import { Inject, Injectable } from '@nestjs/common';
import { AppError, type Brief, clipDurationSec, Errors, type JobSchedule, type Storyboard } from '@app/domain';
import { MODEL_REGISTRY } from '../generation.tokens';
import { estimateCost, planClipLengths } from './model-limits.util';
import { type ModelRegistry } from './model-registry.loader';
import { KEYFRAME_PROFILE, ModelRouter } from './model-router';

/** Prices from the model registry: what a job or a scene will cost before anything is spent. */
@Injectable()
export class CostEstimator {
  constructor(
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    private readonly router: ModelRouter,
  ) {}

  scene(brief: Brief, storyboard: Storyboard, index: number): number {
    const profile = this.router.sceneProfile(brief, storyboard, index);
    return estimateCost(profile, planClipLengths(profile, clipDurationSec(storyboard.scenes, index)), 1);
  }

  /** One image per boundary keyframe of the anchored chains. */
  keyframes(schedule: JobSchedule | null): number {
    return this.keyframeImages(schedule?.keyframes.length ?? 0);
  }

  /** `count` keyframe images on the keyframe profile. */
  keyframeImages(count: number): number {
    const image = this.registry.find(KEYFRAME_PROFILE);
    return image && count > 0 ? estimateCost(image, 0, count) : 0;
  }

  /** One music bed of `durationSec` on the music profile. */
  musicBed(durationSec: number): number {
    const music = this.registry.find('music_default');
    return music ? estimateCost(music, durationSec, 1) : 0;
  }

  job(brief: Brief, storyboard: Storyboard, schedule: JobSchedule | null = null): number {
    const scenes = storyboard.scenes.reduce((sum, _, i) => sum + this.scene(brief, storyboard, i), 0);
    const bed = storyboard.music.enabled ? this.musicBed(storyboard.durationSec) : 0;
    return scenes + bed + this.keyframes(schedule);
  }

  /** Fails before spending when `more` would take the job past its budget. */
  assertWithinBudget(brief: Brief, spentUsd: number, moreUsd: number): void {
    if (brief.budgetUsd === undefined || spentUsd + moreUsd <= brief.budgetUsd + 1e-9) return;
    throw new AppError(
      Errors.budgetExceeded,
      `generation would cost about $${(spentUsd + moreUsd).toFixed(2)}, over the job's budget of $${brief.budgetUsd.toFixed(2)}`,
    );
  }

  /**
   * Before a paid call whose price is not known beforehand (an LLM's tokens): fails when the job's
   * budget is already spent, so a job with nothing left (or a budget of $0) calls nothing that bills.
   */
  assertBudgetLeft(brief: Brief, spentUsd: number): void {
    if (brief.budgetUsd === undefined || spentUsd < brief.budgetUsd - 1e-9) return;
    throw new AppError(
      Errors.budgetExceeded,
      `the job's budget of $${brief.budgetUsd.toFixed(2)} is spent ($${spentUsd.toFixed(2)}): nothing more that bills is called`,
    );
  }
}
