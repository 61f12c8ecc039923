/** Queues and job names: one of each per step. Redis holds work (ids only); DynamoDB holds state. */
export enum QueueName {
  Plan = 'plan',
  Scene = 'scene',
  Music = 'music',
  Compose = 'compose',
}

export enum JobName {
  Plan = 'plan',
  Scene = 'scene',
  Music = 'music',
  Compose = 'compose',
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
  | { name: JobName.Scene; data: ScenePayload }
  | { name: JobName.Music; data: JobRef }
  | { name: JobName.Compose; data: JobRef };

export type PayloadOf<N extends JobName> = Extract<JobPayload, { name: N }>['data'];

/** Which queue each job name runs on. */
export const QUEUE_OF: Record<JobName, QueueName> = {
  [JobName.Plan]: QueueName.Plan,
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
  scene: (jobId: string, index: number) => `${jobId}.scene-${index}`,
  music: (jobId: string) => `${jobId}.music`,
  compose: (jobId: string) => `${jobId}.compose`,
};
