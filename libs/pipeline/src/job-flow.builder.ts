import { type FlowJob, type JobsOptions } from 'bullmq';
import { buildChains, type Storyboard } from '@app/domain';
import { bullJobId, JobName, type JobRef, QueueName } from './job-catalog';

/**
 * Per-node options. Flows ignore queue defaults, and a child without a failure option leaves its
 * parent waiting for children forever: every node says how often it is tried and that its final
 * failure fails its parent, up to compose, so a job never hangs.
 */
export const STEP_OPTIONS: Record<JobName, JobsOptions> = {
  [JobName.Plan]: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 } },
  [JobName.Scene]: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, failParentOnFailure: true },
  [JobName.Music]: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, failParentOnFailure: true },
  [JobName.Compose]: { attempts: 2, backoff: { type: 'exponential', delay: 3_000 } },
};

const KEEP = { removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } };

/**
 * The rest of a job after planning, as one BullMQ flow: compose is the root; its children are the
 * music bed and the last scene of each continuity chain; a continuous scene is the parent of the
 * scene before it, so it starts only once that scene's last frame exists. Chains and music run
 * side by side; cuts never wait.
 */
export function buildJobFlow(ref: JobRef, storyboard: Pick<Storyboard, 'scenes' | 'music'>): FlowJob {
  const sceneNode = (index: number, chain: number[]): FlowJob => {
    const position = chain.indexOf(index);
    return {
      name: JobName.Scene,
      queueName: QueueName.Scene,
      data: { ...ref, sceneIndex: index },
      opts: { ...STEP_OPTIONS[JobName.Scene], ...KEEP, jobId: bullJobId.scene(ref.jobId, index) },
      children: position > 0 ? [sceneNode(chain[position - 1], chain)] : undefined,
    };
  };

  const children: FlowJob[] = buildChains(storyboard.scenes).map((chain) =>
    sceneNode(chain.sceneIndexes[chain.sceneIndexes.length - 1], chain.sceneIndexes),
  );
  if (storyboard.music.enabled) {
    children.push({
      name: JobName.Music,
      queueName: QueueName.Music,
      data: { ...ref },
      opts: { ...STEP_OPTIONS[JobName.Music], ...KEEP, jobId: bullJobId.music(ref.jobId) },
    });
  }
  return {
    name: JobName.Compose,
    queueName: QueueName.Compose,
    data: { ...ref },
    opts: { ...STEP_OPTIONS[JobName.Compose], ...KEEP, jobId: bullJobId.compose(ref.jobId) },
    children,
  };
}
