import { type AppConfig, ConfigError } from '@app/config';
import { KEYFRAME_PROFILE, type ModelRegistry } from '@app/generation';
import { JobName, QueueName, sceneQueueName, TIER_OF, type WorkerTier } from '@app/pipeline';

/** How many keyframes steps (each making all of one job's keyframes through the slots) run at once. */
const KEYFRAME_JOBS_AT_ONCE = 4;

/** One BullMQ queue this process takes work from, the step that runs it, and how many at once. */
export interface QueueSpec {
  queue: string;
  job: JobName;
  concurrency: number;
}

/**
 * The model profiles whose scene queues a scene worker takes (WORKER_PROFILES; by default every
 * video profile, and `image_default`, which brings the keyframes queue). A profile it cannot
 * serve stops the worker at boot, every problem named.
 */
export function servedProfiles(config: Pick<AppConfig, 'worker'>, registry: ModelRegistry): string[] {
  const wanted = config.worker.profiles;
  const all = [...registry.profiles.values()];
  if (!wanted.length) return all.filter((p) => p.kind === 'video' || p.name === KEYFRAME_PROFILE).map((p) => p.name);
  const problems = wanted.flatMap((name) => {
    const p = registry.find(name);
    if (!p) return [`WORKER_PROFILES: no profile named ${name}`];
    if (p.kind !== 'video' && name !== KEYFRAME_PROFILE)
      return [
        `WORKER_PROFILES: ${name} is a ${p.kind} profile; scene workers serve video profiles and ${KEYFRAME_PROFILE}`,
      ];
    return [];
  });
  if (problems.length) throw new ConfigError(problems);
  return wanted;
}

/** The queue a profile's scene workers take work from: its scene queue, or the keyframes queue for the image profile. */
export function profileQueue(profile: string): string {
  return profile === KEYFRAME_PROFILE ? QueueName.Keyframes : sceneQueueName(profile);
}

const FIXED_QUEUE: Partial<Record<JobName, QueueName>> = {
  [JobName.Plan]: QueueName.Plan,
  [JobName.Music]: QueueName.Music,
  [JobName.Soundtrack]: QueueName.Soundtrack,
  [JobName.Compose]: QueueName.Compose,
  [JobName.Asset]: QueueName.Asset,
};

/**
 * Every queue a worker with this config serves (WORKER_QUEUES names tiers). The scene tier takes
 * as many jobs of each profile as its slots can run (times the profile's batch size), so a GPU
 * never runs two scenes at once: the slot pool decides who runs where.
 */
export function servedQueues(
  config: Pick<AppConfig, 'worker'>,
  registry: ModelRegistry,
  sceneSlots: number,
): QueueSpec[] {
  const specs: QueueSpec[] = [];
  for (const tier of config.worker.queues as WorkerTier[]) {
    if (tier !== 'scene') {
      for (const job of (Object.keys(TIER_OF) as JobName[]).filter((name) => TIER_OF[name] === tier)) {
        specs.push({ queue: FIXED_QUEUE[job]!, job, concurrency: config.worker.concurrency });
      }
      continue;
    }
    for (const profile of servedProfiles(config, registry)) {
      if (profile === KEYFRAME_PROFILE)
        specs.push({ queue: QueueName.Keyframes, job: JobName.Keyframes, concurrency: KEYFRAME_JOBS_AT_ONCE });
      else
        specs.push({
          queue: sceneQueueName(profile),
          job: JobName.Scene,
          concurrency: sceneSlots * registry.get(profile).maxBatch,
        });
    }
  }
  return specs;
}
