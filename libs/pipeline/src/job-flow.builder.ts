import { type FlowJob, type FlowProducer, type JobsOptions } from 'bullmq';
import { type JobSchedule, type RevisionRemake, type Storyboard } from '@app/domain';
import { bullJobId, flowIdOf, JobName, type JobRef, QueueName, sceneQueueName } from './job-catalog';

/**
 * Per-node options. Flows ignore queue defaults, and a child without a failure option leaves its
 * parent waiting for children forever: every node says how often it is tried and that its final
 * failure fails its parent, up to compose, so a job never hangs.
 */
export const STEP_OPTIONS: Record<JobName, JobsOptions> = {
  [JobName.Plan]: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 } },
  [JobName.Keyframes]: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, failParentOnFailure: true },
  [JobName.Scene]: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, failParentOnFailure: true },
  [JobName.Music]: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, failParentOnFailure: true },
  [JobName.Soundtrack]: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, failParentOnFailure: true },
  [JobName.Compose]: { attempts: 2, backoff: { type: 'exponential', delay: 3_000 } },
  [JobName.Asset]: {
    attempts: 2,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
};

const KEEP = { removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } };

/** One scene's node, on its profile's queue. */
export function sceneNode(ref: JobRef, schedule: JobSchedule, index: number, children?: FlowJob[]): FlowJob {
  return {
    name: JobName.Scene,
    queueName: sceneQueueName(schedule.scenes[index].profile),
    data: { ...ref, sceneIndex: index },
    opts: { ...STEP_OPTIONS[JobName.Scene], ...KEEP, jobId: bullJobId.scene(flowIdOf(ref), index) },
    children,
  };
}

/** The anchored scenes the keyframes step adds under compose once every boundary keyframe exists. */
export function anchoredScenes(schedule: JobSchedule): number[] {
  return schedule.keyframes.length ? schedule.scenes.filter((s) => s.strategy === 'anchored').map((s) => s.index) : [];
}

/**
 * The rest of a job after planning, as one BullMQ flow with compose as the root. Its children:
 * - the soundtrack (music and voiceover mixed, ducked and levelled), beside everything else; when
 *   the ad has music, the music step is its child, so the soundtrack is made as soon as the music
 *   exists, while the scenes are still generating, and compose only encodes video;
 * - per chained chain, its last scene; a chained scene is the parent of the scene it continues,
 *   so it starts only once that scene's last frame exists (cuts never wait);
 * - when any chain is anchored, the keyframes step: it makes every boundary keyframe at once and
 *   then adds all anchored scenes as compose's children, so they start together without waiting
 *   for each other. (A flow is a tree: a scene cannot have the two parents its two keyframes
 *   would need, so the scenes are added when their keyframes exist.)
 */
export function buildJobFlow(
  ref: JobRef,
  storyboard: Pick<Storyboard, 'scenes' | 'music'>,
  schedule: JobSchedule,
): FlowJob {
  const anchored = new Set(anchoredScenes(schedule));
  const node = (index: number): FlowJob => {
    const from = schedule.scenes[index].waitsFor;
    return sceneNode(ref, schedule, index, from === null ? undefined : [node(from)]);
  };
  const waitedFor = new Set(schedule.scenes.map((s) => s.waitsFor).filter((i) => i !== null));
  const children: FlowJob[] = schedule.scenes
    .filter((s) => !anchored.has(s.index) && !waitedFor.has(s.index))
    .map((s) => node(s.index));
  if (anchored.size) {
    children.push({
      name: JobName.Keyframes,
      queueName: QueueName.Keyframes,
      data: { ...ref },
      opts: { ...STEP_OPTIONS[JobName.Keyframes], ...KEEP, jobId: bullJobId.keyframes(flowIdOf(ref)) },
    });
  }
  children.push(soundtrackNode(ref, storyboard.music.enabled));
  return composeNode(ref, children);
}

/** The soundtrack's node, with the music step under it when the ad has music. */
function soundtrackNode(ref: JobRef, withMusic: boolean): FlowJob {
  return {
    name: JobName.Soundtrack,
    queueName: QueueName.Soundtrack,
    data: { ...ref },
    opts: { ...STEP_OPTIONS[JobName.Soundtrack], ...KEEP, jobId: bullJobId.soundtrack(flowIdOf(ref)) },
    children: withMusic
      ? [
          {
            name: JobName.Music,
            queueName: QueueName.Music,
            data: { ...ref },
            opts: { ...STEP_OPTIONS[JobName.Music], ...KEEP, jobId: bullJobId.music(flowIdOf(ref)) },
          },
        ]
      : undefined,
  };
}

/** Compose, the root of a job's flow. */
function composeNode(ref: JobRef, children: FlowJob[]): FlowJob {
  return {
    name: JobName.Compose,
    queueName: QueueName.Compose,
    data: { ...ref },
    opts: { ...STEP_OPTIONS[JobName.Compose], ...KEEP, jobId: bullJobId.compose(flowIdOf(ref)) },
    children: children.length ? children : undefined,
  };
}

/**
 * A revision's flow. One that makes scenes again is the whole job's flow under its own ids (every
 * unchanged part finds its stored output). One that makes no scene again has no plan, keyframes or
 * scene step at all: compose recomposes from the stored clips, after the soundtrack (and the music
 * under it) only when the audio changed.
 */
export function buildRevisionFlow(
  ref: JobRef,
  storyboard: Pick<Storyboard, 'scenes' | 'music'>,
  schedule: JobSchedule,
  remake: RevisionRemake | undefined,
): FlowJob {
  if (!remake || remake.scenes) return buildJobFlow(ref, storyboard, schedule);
  return composeNode(ref, remake.soundtrack || remake.music ? [soundtrackNode(ref, remake.music)] : []);
}

/**
 * Adds a job's anchored scenes as children of its compose node (called by the keyframes step
 * while it is still running, so compose is still waiting for children). Deterministic ids make a
 * retried keyframes step a no-op here.
 */
export async function addAnchoredScenes(
  flows: Pick<FlowProducer, 'addBulk'>,
  queuePrefix: string,
  ref: JobRef,
  schedule: JobSchedule,
): Promise<number[]> {
  const parent = { id: bullJobId.compose(flowIdOf(ref)), queue: `${queuePrefix}:${QueueName.Compose}` };
  const indexes = anchoredScenes(schedule);
  await flows.addBulk(
    indexes.map((index) => {
      const node = sceneNode(ref, schedule, index);
      return { ...node, opts: { ...node.opts, parent } };
    }),
  );
  return indexes;
}
