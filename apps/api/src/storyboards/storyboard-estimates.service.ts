import { Inject, Injectable } from '@nestjs/common';
import { type Brief, clipDurationSec, planSchedule, type Storyboard } from '@app/domain';
import {
  CostEstimator,
  estimateCost,
  GENERATORS,
  type Generators,
  KEYFRAME_PROFILE,
  MODEL_REGISTRY,
  type ModelRegistry,
  ModelRouter,
  planClipLengths,
} from '@app/generation';

export type EstimateItem =
  | { part: 'scene'; index: number; profile: string; model: string; seconds: number; costUsd: number }
  | { part: 'keyframes'; profile: string; model: string; count: number; costUsd: number }
  | { part: 'music'; profile: string; model: string; seconds: number; costUsd: number };

export interface StoryboardEstimate {
  /** what generating this storyboard would cost at the registry's prices (the figure budgets are held to) */
  costUsd: number;
  budgetUsd: number | null;
  withinBudget: boolean;
  durationSec: number;
  items: EstimateItem[];
}

/**
 * The cost of a storyboard before it is rendered, part by part, from the same router and prices the
 * plan step checks a job's budget with: what the studio shows is what the render will be held to.
 */
@Injectable()
export class StoryboardEstimates {
  constructor(
    private readonly costs: CostEstimator,
    private readonly router: ModelRouter,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    @Inject(GENERATORS) private readonly generators: Generators,
  ) {}

  estimate(brief: Brief, storyboard: Storyboard): StoryboardEstimate {
    const profiles = storyboard.scenes.map((_, i) => this.router.sceneProfile(brief, storyboard, i));
    const schedule = planSchedule(
      storyboard.scenes,
      (i) => ({
        profile: profiles[i].name,
        firstAndLastFrame: profiles[i].acceptsFirstFrame && profiles[i].acceptsLastFrame,
      }),
      this.generators.image !== null,
    );
    const items: EstimateItem[] = storyboard.scenes.map((_, i) => ({
      part: 'scene',
      index: i,
      profile: profiles[i].name,
      model: profiles[i].model,
      seconds: planClipLengths(profiles[i], clipDurationSec(storyboard.scenes, i)),
      costUsd: this.costs.scene(brief, storyboard, i),
    }));
    const image = this.registry.find(KEYFRAME_PROFILE);
    if (image && schedule.keyframes.length) {
      items.push({
        part: 'keyframes',
        profile: image.name,
        model: image.model,
        count: schedule.keyframes.length,
        costUsd: this.costs.keyframes(schedule),
      });
    }
    const music = this.registry.find('music_default');
    if (music && storyboard.music.enabled) {
      items.push({
        part: 'music',
        profile: music.name,
        model: music.model,
        seconds: storyboard.durationSec,
        costUsd: estimateCost(music, storyboard.durationSec, 1),
      });
    }
    const costUsd = this.costs.job(brief, storyboard, schedule);
    return {
      costUsd,
      budgetUsd: brief.budgetUsd ?? null,
      withinBudget: brief.budgetUsd === undefined || costUsd <= brief.budgetUsd + 1e-9,
      durationSec: storyboard.scenes.reduce((sum, scene) => sum + scene.durationSec, 0),
      items,
    };
  }
}
