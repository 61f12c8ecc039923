import { type WorkerQueueName } from '@app/config';

/**
 * The typed job catalog. Redis holds work (ids only); DynamoDB holds state.
 *
 * - `JobName`: every step a job goes through.
 * - `WorkerTier`: the groups of steps a worker process can serve (WORKER_QUEUES): planning, the
 *   scene tier (scenes and the keyframes of anchored chains, on generation slots), music, compose.
 * - Queues: one per step, except scenes, which have one queue per video model profile
 *   (`sceneQueueName`), so a GPU worker only takes scenes for the models it serves.
 */
export enum JobName {
  Plan = 'plan',
  Keyframes = 'keyframes',
  Scene = 'scene',
  Music = 'music',
  Soundtrack = 'soundtrack',
  Compose = 'compose',
  /** a single image, clip or GIF (POST /v1/generate/*), in one step */
  Asset = 'asset',
}

/** WORKER_QUEUES names these tiers; the list lives with the config that parses it. */
export type WorkerTier = WorkerQueueName;

/** The fixed queues; scene queues are named per profile by `sceneQueueName`. */
export enum QueueName {
  Plan = 'plan',
  Keyframes = 'keyframes',
  Music = 'music',
  Soundtrack = 'soundtrack',
  Compose = 'compose',
  Asset = 'asset',
}

/** The queue of one video profile's scenes (BullMQ names may not hold `:`). */
export function sceneQueueName(profile: string): string {
  return `scene.${profile}`;
}

/** Which tier runs each step. */
export const TIER_OF: Record<JobName, WorkerTier> = {
  [JobName.Plan]: 'plan',
  [JobName.Keyframes]: 'scene',
  [JobName.Scene]: 'scene',
  [JobName.Music]: 'music',
  // ffmpeg work like compose, and done before it: the CPU tier that composes makes it too.
  [JobName.Soundtrack]: 'compose',
  [JobName.Compose]: 'compose',
  [JobName.Asset]: 'asset',
};

export interface JobRef {
  tenantId: string;
  jobId: string;
  /**
   * Where the job came from, carried into every step of its flow: the submit's request id (on
   * every log line of the job) and its W3C `traceparent` (every step's span is a child of the
   * submit's). Absent on work re-enqueued by recovery.
   */
  origin?: JobOrigin;
  /** the revision this work makes (absent or 0: the first render) */
  revision?: number;
}

export interface JobOrigin {
  requestId?: string;
  traceparent?: string;
}

/**
 * The id a job's BullMQ work is named by: the job id for the first render, `<jobId>.r<n>` for
 * revision n, so a revision's steps are new work rather than the first render's kept results.
 */
export function flowIdOf(ref: Pick<JobRef, 'jobId' | 'revision'>): string {
  const revision = revisionOf(ref);
  return revision ? `${ref.jobId}.r${revision}` : ref.jobId;
}

/** The revision a payload's work is for: 0 for the first render. */
export function revisionOf(ref: Pick<JobRef, 'revision'>): number {
  return typeof ref.revision === 'number' && Number.isInteger(ref.revision) && ref.revision > 0 ? ref.revision : 0;
}

export interface ScenePayload extends JobRef {
  sceneIndex: number;
}

export type JobPayload =
  | { name: JobName.Plan; data: JobRef }
  | { name: JobName.Keyframes; data: JobRef }
  | { name: JobName.Scene; data: ScenePayload }
  | { name: JobName.Music; data: JobRef }
  | { name: JobName.Soundtrack; data: JobRef }
  | { name: JobName.Compose; data: JobRef }
  | { name: JobName.Asset; data: JobRef };

export type PayloadOf<N extends JobName> = Extract<JobPayload, { name: N }>['data'];

/**
 * Deterministic BullMQ ids (`<jobId>.scene-<n>`): adding the same step twice is a no-op, and a
 * restarted process can find a job's work in Redis. No `:` (BullMQ's key separator), never all digits.
 */
export const bullJobId = {
  plan: (jobId: string) => `${jobId}.plan`,
  keyframes: (jobId: string) => `${jobId}.keyframes`,
  scene: (jobId: string, index: number) => `${jobId}.scene-${index}`,
  music: (jobId: string) => `${jobId}.music`,
  soundtrack: (jobId: string) => `${jobId}.soundtrack`,
  compose: (jobId: string) => `${jobId}.compose`,
  asset: (jobId: string) => `${jobId}.asset`,
};
