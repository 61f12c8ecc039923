import { CROSSFADE_SEC, type StoryboardScene } from './storyboard.schema';
import { type TransitionIn } from './vocabulary';

/** A run of scenes that must be generated in order, each seeded with the last frame of the one before. */
export interface ContinuityChain {
  index: number;
  sceneIndexes: number[];
}

/**
 * A `continuous` scene joins the chain of the scene before it; anything else starts a new chain.
 * The first scene always starts a chain, whatever its transition says.
 */
export function buildChains(scenes: ReadonlyArray<Pick<StoryboardScene, 'transitionIn'>>): ContinuityChain[] {
  const chains: ContinuityChain[] = [];
  scenes.forEach((scene, i) => {
    if (i > 0 && scene.transitionIn === 'continuous') chains[chains.length - 1].sceneIndexes.push(i);
    else chains.push({ index: chains.length, sceneIndexes: [i] });
  });
  return chains;
}

/** The scene whose last frame seeds scene `i`, or null when scene `i` starts its own chain. */
export function seededFrom(scenes: ReadonlyArray<Pick<StoryboardScene, 'transitionIn'>>, i: number): number | null {
  return i > 0 && scenes[i].transitionIn === 'continuous' ? i - 1 : null;
}

/** Whether a scene enters by blending with the clip before it (so the two overlap). */
export function isBlended(transition: TransitionIn): boolean {
  return transition !== 'cut' && transition !== 'continuous';
}

/** How long a scene's blend-in lasts: 0 for joins. */
export function transitionSecOf(scene: Pick<StoryboardScene, 'transitionIn' | 'transitionSec'>): number {
  return isBlended(scene.transitionIn) ? (scene.transitionSec ?? CROSSFADE_SEC) : 0;
}

/**
 * How long scene `i`'s clip must run. A blended transition into the next scene overlaps the two
 * clips, so the outgoing clip carries that overlap as extra tail and the ad keeps its planned length.
 */
export function clipDurationSec(
  scenes: ReadonlyArray<Pick<StoryboardScene, 'durationSec' | 'transitionIn' | 'transitionSec'>>,
  i: number,
) {
  const next = scenes[i + 1];
  return scenes[i].durationSec + (next ? transitionSecOf(next) : 0);
}
