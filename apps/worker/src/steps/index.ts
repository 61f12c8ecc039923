import { type Type } from '@nestjs/common';
import { JobName } from '@app/pipeline';
import { type StepHandler } from '../queues/step-handler';
import { AssetStep } from './asset.step';
import { ComposeStep } from './compose.step';
import { KeyframesStep } from './keyframes.step';
import { MusicStep } from './music.step';
import { PlanStep } from './plan.step';
import { SceneStep } from './scene.step';
import { SoundtrackStep } from './soundtrack.step';

/** The step that runs each job name of the catalog. */
export const STEPS: Record<JobName, Type<StepHandler>> = {
  [JobName.Plan]: PlanStep,
  [JobName.Keyframes]: KeyframesStep,
  [JobName.Scene]: SceneStep,
  [JobName.Music]: MusicStep,
  [JobName.Soundtrack]: SoundtrackStep,
  [JobName.Compose]: ComposeStep,
  [JobName.Asset]: AssetStep,
};
