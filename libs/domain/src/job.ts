import { type Brief } from './brief.schema';
import { type ContinuityStrategy } from './schedule';

export const JOB_STATUSES = [
  'queued',
  'planning',
  'generating',
  'composing',
  'completed',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

export type PartStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'skipped';

export type Stage = 'planning' | 'generating' | 'composing';

export interface JobError {
  code: string;
  message: string;
}

export interface SceneState {
  index: number;
  status: PartStatus;
  progress: number;
  durationSec: number;
  chain: number;
  seededFrom: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Storage key of the normalised clip, once generated. */
  clipKey: string | null;
  /** the provider job generating this scene, written before polling starts so a restart resumes it */
  providerJob?: ProviderJobRecord | null;
  /** the video model profile (and so the scene queue) it is generated with */
  profile?: string;
  /** how it meets the scene it flows out of: after it (chained) or from shared keyframes (anchored) */
  strategy?: ContinuityStrategy;
  /** the worker slot (GPU device) that generated it */
  slot?: string | null;
  /** its seeded or anchored boundaries, scored in-process after generation */
  continuity?: ContinuityRecord | null;
  /** the colour correction that pulled a chained scene back to its chain's first keyframe */
  colourMatch?: ColourMatchRecord | null;
}

/**
 * Boundary similarity (0..1) from the continuity model: `start` compares the clip's first frame with
 * the frame it had to start on (the previous clip's last frame, or its start keyframe), `end` its
 * last frame with its end keyframe. Below `threshold` the scene is made again, once.
 */
export interface ContinuityRecord {
  model: string;
  threshold: number;
  start: number | null;
  end: number | null;
  /** when the first attempt fell short and the scene was made again: the scores of the attempt discarded */
  rejected: { start: number | null; end: number | null } | null;
  passed: boolean;
}

export interface ColourMatchRecord {
  /** colour distance of the clip's last frame to the chain's first keyframe, before and after */
  before: number;
  after: number;
  applied: boolean;
}

export interface ProviderJobRecord {
  provider: string;
  id: string;
  endpoint: string;
  model: string;
  createdAt: string;
}

/** What a job used: seconds generated per model, calls, estimated cost from the registry's prices. */
export interface UsageRecord {
  provider: string;
  model: string;
  seconds: number;
  calls: number;
  costUsd: number;
}

/** The boundary keyframes of a job's anchored chains, made before those scenes. */
export interface KeyframesState {
  status: PartStatus;
  count: number;
  done: number;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export interface MusicState {
  status: PartStatus;
  progress: number;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export type OutputType = 'video' | 'poster' | 'preview' | 'captions';

export interface StoredOutput {
  type: OutputType;
  aspectRatio: string | null;
  key: string;
  contentType: string;
  width: number;
  height: number;
  durationSec: number | null;
}

/** How the storyboard came about: the planner (or 'provided' for a person's edit) and, for an LLM, its cost. */
export interface PlanningRecord {
  planner: string;
  model: string | null;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  calls: number;
  repaired: boolean;
}

export interface Backends {
  planner: string;
  video: string;
  music: string;
}

/** The job row: the single source of truth for a job's state. */
export interface Job {
  tenantId: string;
  id: string;
  status: JobStatus;
  progress: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  brief: Brief;
  scenes: SceneState[];
  music: MusicState;
  keyframes?: KeyframesState | null;
  outputs: StoredOutput[];
  error: JobError | null;
  /** When each stage started and finished, for the job view and the benchmark's split. */
  stages: Partial<Record<Stage, { startedAt: string; finishedAt: string | null }>>;
  backends: Backends | null;
  planning: PlanningRecord | null;
  usage?: { items: UsageRecord[]; costUsd: number; estimatedCostUsd: number | null };
  cancelRequested: boolean;
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
