import { Inject, Injectable } from '@nestjs/common';
import { AppError, type Brief, clipDurationSec, type Storyboard } from '@app/domain';
import { estimateCost, MODEL_REGISTRY, type ModelProfile, type ModelRegistry, planClipLengths } from '@app/generation';

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

  scene(brief: Brief, storyboard: Storyboard, index: number): number {
    const profile = this.videoProfile(brief);
    return estimateCost(profile, planClipLengths(profile, clipDurationSec(storyboard.scenes, index)), 1);
  }

  job(brief: Brief, storyboard: Storyboard): number {
    const scenes = storyboard.scenes.reduce((sum, _, i) => sum + this.scene(brief, storyboard, i), 0);
    const music = this.registry.find('music_default');
    return scenes + (storyboard.music.enabled && music ? estimateCost(music, storyboard.durationSec, 1) : 0);
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
