import { buildChains, seededFrom } from './continuity';
import { type StoryboardScene } from './storyboard.schema';

/**
 * How a scene meets the scene it flows out of:
 * - `chained`: it waits for that scene's last frame and starts on it;
 * - `anchored`: the boundary frames of its chain are made first (by an image model, all at once),
 *   and it is generated from its start and end keyframes without waiting for its neighbours.
 * A cut meets nothing, so it never waits either way.
 */
export type ContinuityStrategy = 'chained' | 'anchored';

/** What the scheduler needs to know about the model a scene is generated with. */
export interface SceneModel {
  profile: string;
  /** the model takes both a first and a last frame (Kling's start_image and end_image) */
  firstAndLastFrame: boolean;
}

export interface ScheduledScene {
  index: number;
  chain: number;
  profile: string;
  strategy: ContinuityStrategy;
  /** the scene this one flows out of (for both strategies), or null after a cut */
  seededFrom: number | null;
  /** chained only: the scene whose last frame this one must wait for */
  waitsFor: number | null;
  /** anchored: the boundary keyframe the scene starts on / ends on (named by the scene that starts there) */
  startKeyframe: number | null;
  endKeyframe: number | null;
}

export interface JobSchedule {
  scenes: ScheduledScene[];
  /** boundaries whose keyframe is generated before the anchored scenes, by the index of the scene starting there */
  keyframes: number[];
}

/**
 * Picks each chain's strategy: anchored when every scene in it runs on a model that takes first and
 * last frames and keyframes can be made, chained otherwise. A chain of one scene has no boundary
 * and is simply chained (it waits for nothing).
 */
export function planSchedule(
  scenes: ReadonlyArray<Pick<StoryboardScene, 'transitionIn'>>,
  modelOf: (index: number) => SceneModel,
  canMakeKeyframes: boolean,
): JobSchedule {
  const out: ScheduledScene[] = [];
  const keyframes: number[] = [];
  for (const chain of buildChains(scenes)) {
    const members = chain.sceneIndexes;
    const anchored = canMakeKeyframes && members.length > 1 && members.every((i) => modelOf(i).firstAndLastFrame);
    for (const [position, index] of members.entries()) {
      const from = seededFrom(scenes, index);
      if (anchored && position > 0) keyframes.push(index);
      out.push({
        index,
        chain: chain.index,
        profile: modelOf(index).profile,
        strategy: anchored ? 'anchored' : 'chained',
        seededFrom: from,
        waitsFor: anchored ? null : from,
        startKeyframe: anchored && position > 0 ? index : null,
        endKeyframe: anchored && position < members.length - 1 ? members[position + 1] : null,
      });
    }
  }
  return { scenes: out, keyframes };
}

/**
 * The shortest wall time the schedule allows, given how long each piece takes: the longest path
 * through plan -> (keyframes) -> scenes (chained ones in sequence) -> compose, with music beside
 * the scenes. The benchmark divides measured wall time by this.
 */
export function criticalPathSec(
  schedule: JobSchedule,
  t: { plan: number; keyframe: number; scene: (index: number) => number; music: number; compose: number },
): number {
  const finish = new Map<number, number>();
  const keyframesDone = schedule.keyframes.length ? t.keyframe : 0;
  for (const s of schedule.scenes) {
    const start = s.strategy === 'anchored' ? keyframesDone : s.waitsFor === null ? 0 : finish.get(s.waitsFor)!;
    finish.set(s.index, start + t.scene(s.index));
  }
  return t.plan + Math.max(t.music, ...finish.values()) + t.compose;
}

/** The schedule the plan step stored on the row (each scene's profile and strategy), rebuilt for later steps. */
export function scheduleOfRow(
  scenes: ReadonlyArray<Pick<StoryboardScene, 'transitionIn'>>,
  rows: ReadonlyArray<{ profile?: string; strategy?: ContinuityStrategy }>,
  defaultProfile: string,
): JobSchedule {
  return planSchedule(
    scenes,
    (i) => ({ profile: rows[i]?.profile ?? defaultProfile, firstAndLastFrame: rows[i]?.strategy === 'anchored' }),
    true,
  );
}
