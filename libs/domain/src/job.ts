import { type ComplianceReport } from './compliance-report';
import { type Brief } from './brief.schema';
import { type JobStatus, TERMINAL_JOB_STATUSES } from './vocabulary';
import { type ContinuityStrategy } from './schedule';
import { type RevisionChange, type RevisionRemake, type RevisionScenePlan } from './revision';
import { type AssetRecord, type JobKind } from './asset';
import { type ProviderIntentRecord, type ProviderJobRecord } from './provider-job';

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(TERMINAL_JOB_STATUSES);

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
  /** the provider job of its one continuity retry (another seed), kept apart so a restart resumes each attempt's own */
  retryProviderJob?: ProviderJobRecord | null;
  /** each attempt's create as sent, written before the request: a restart adopts a job it made but never recorded */
  createIntents?: Partial<Record<'first' | 'retry', ProviderIntentRecord>>;
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

export type { ProviderIntentRecord, ProviderJobRecord } from './provider-job';

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
  /** the provider job making the bed, and what it was asked (its content hash), so a re-run resumes it */
  providerJob?: { ref: ProviderJobRecord; contentHash: string } | null;
}

export type OutputType = 'video' | 'poster' | 'preview' | 'captions' | 'image' | 'gif' | 'compliance-report';

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

export type RevisionStatus = 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * One render of the job: revision 0 is the first, each edit after it the next. Its outputs live
 * under their own keys, so every revision that completed stays downloadable.
 */
export interface RevisionRecord {
  number: number;
  status: RevisionStatus;
  createdAt: string;
  finishedAt: string | null;
  /** what the edit changed (empty for the first render) */
  changes: RevisionChange[];
  /** the scenes it makes again, and why */
  regenerate: RevisionScenePlan[];
  /**
   * What its flow makes before compose (absent on older rows: everything). A revision that makes
   * no scene again recomposes from the stored clips, with no plan or scene step.
   */
  remake?: RevisionRemake;
  /** what its generation was estimated to cost before it started */
  estimatedCostUsd: number;
  /** the job's spend when it started: its own spend is the job's spend since */
  baseCostUsd: number;
  /** what it spent */
  costUsd: number;
  outputs: StoredOutput[];
  error: JobError | null;
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
  /** The major statement's compliance report, for a brief with compliance (issue 17). */
  compliance?: ComplianceReport | null;
  cancelRequested: boolean;
  /** the revision being made or last made (absent: the first render, never revised) */
  revision?: number;
  /** every revision, the first render included, once the job has been revised */
  revisions?: RevisionRecord[];
  /** absent on rows written before single assets existed: an ad */
  kind?: JobKind;
  /** kind `asset`: the request and what each output was made with */
  asset?: AssetRecord | null;
}

export function kindOf(job: Pick<Job, 'kind'>): JobKind {
  return job.kind ?? 'ad';
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
