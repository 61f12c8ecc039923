/**
 * Queues and job names. Redis holds work (ids only); DynamoDB holds state. `QueueName` names the
 * worker tiers (WORKER_QUEUES); the scene tier's work is split further into one queue per video
 * model profile (`sceneQueueName`) plus the keyframes queue, so a GPU worker only takes scenes for
 * the models it serves.
 */
export enum QueueName {
  Plan = 'plan',
  Scene = 'scene',
  Music = 'music',
  Compose = 'compose',
}

export enum JobName {
  Plan = 'plan',
  Keyframes = 'keyframes',
  Scene = 'scene',
  Music = 'music',
  Compose = 'compose',
}

/** Boundary keyframes of a job's anchored chains: made on the scene tier, before those scenes. */
export const KEYFRAMES_QUEUE = 'keyframes';

/** The queue of one video profile's scenes (BullMQ names may not hold `:`). */
export function sceneQueueName(profile: string): string {
  return `scene.${profile}`;
}

export interface JobRef {
  tenantId: string;
  jobId: string;
}

export interface ScenePayload extends JobRef {
  sceneIndex: number;
}

export type JobPayload =
  | { name: JobName.Plan; data: JobRef }
  | { name: JobName.Keyframes; data: JobRef }
  | { name: JobName.Scene; data: ScenePayload }
  | { name: JobName.Music; data: JobRef }
  | { name: JobName.Compose; data: JobRef };

export type PayloadOf<N extends JobName> = Extract<JobPayload, { name: N }>['data'];

/** Which worker tier runs each job name. */
export const QUEUE_OF: Record<JobName, QueueName> = {
  [JobName.Plan]: QueueName.Plan,
  [JobName.Keyframes]: QueueName.Scene,
  [JobName.Scene]: QueueName.Scene,
  [JobName.Music]: QueueName.Music,
  [JobName.Compose]: QueueName.Compose,
};

/**
 * Deterministic BullMQ ids (`<jobId>.scene-<n>`): adding the same step twice is a no-op, and a
 * restarted process can find a job's work in Redis. No `:` (BullMQ's key separator), never all digits.
 */
export const bullJobId = {
  plan: (jobId: string) => `${jobId}.plan`,
  keyframes: (jobId: string) => `${jobId}.keyframes`,
  scene: (jobId: string, index: number) => `${jobId}.scene-${index}`,
  music: (jobId: string) => `${jobId}.music`,
  compose: (jobId: string) => `${jobId}.compose`,
};
