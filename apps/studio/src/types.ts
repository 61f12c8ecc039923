import type {
  AspectRatio,
  Brief,
  ComplianceReport,
  JobStatus,
  PartStatus,
  Problem,
  Storyboard,
  StoryboardScene,
} from '@app/domain';

export type { AspectRatio, Brief, ComplianceReport, JobStatus, PartStatus, Problem, Storyboard, StoryboardScene };

// The lists the forms offer: the API's own (the domain's dependency-free vocabulary).
export {
  ASPECT_RATIOS,
  CAMERA_MOVES,
  JOB_STATUSES,
  TERMINAL_JOB_STATUSES as TERMINAL,
  TRANSITIONS,
} from '@app/domain/contract';

/** The job view of GET /v1/jobs/:id (the HTTP contract, README "HTTP API"). */
export interface JobView {
  id: string;
  status: JobStatus;
  progress: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  brief: Brief;
  scenes: Array<{
    index: number;
    status: PartStatus;
    progress: number;
    durationSec: number;
    chain: number;
    seededFrom: number | null;
    startedAt: string | null;
    finishedAt: string | null;
    clipUrl?: string;
    profile?: string;
  }>;
  keyframes: { status: PartStatus; count: number; done: number } | null;
  music: { status: PartStatus; progress: number };
  outputs: JobOutput[];
  error: { code: string; message: string } | null;
  /** the revision being made or last made (0: the first render) */
  revision?: { number: number; status: string };
  stages: Partial<Record<'planning' | 'generating' | 'composing', { startedAt: string; finishedAt: string | null }>>;
  planning: { planner: string; model: string | null } | null;
  usage: {
    items: Array<{ provider: string; model: string; seconds: number; calls: number; costUsd: number }>;
    costUsd: number;
    estimatedCostUsd: number | null;
  } | null;
  /** The major statement's compliance report, for a brief with compliance. */
  compliance?: ComplianceReport | null;
}

export interface JobOutput {
  type: 'video' | 'poster' | 'preview' | 'captions' | 'compliance-report';
  aspectRatio: string | null;
  url: string;
  downloadUrl: string;
  fileName: string;
  contentType: string;
  width: number;
  height: number;
  durationSec: number | null;
}

export interface Estimate {
  costUsd: number;
  budgetUsd: number | null;
  withinBudget: boolean;
  durationSec: number;
  items: Array<{ part: 'scene' | 'keyframes' | 'music'; index?: number; model: string; costUsd: number }>;
  problems: Problem[];
}

/** GET /v1/studio/config */
export interface StudioConfig {
  oidc: {
    issuer: string;
    clientId: string;
    authorizationEndpoint: string;
    tokenEndpoint: string;
    scope: string;
  } | null;
}

/** What a revision changes: scene fields by index, and scenes to make again with a new seed. */
export interface RevisionEdit {
  scenes?: Array<{ index: number; visualPrompt?: string; onScreenText?: string; narration?: string }>;
  regenerate?: number[];
}

export interface RevisionAnswer {
  revision: number;
  regenerate: Array<{ index: number; reason: string }>;
  changes: Array<{ field: string; scene: number | null }>;
  estimatedCostUsd: number;
}

export interface RevisionItem {
  number: number;
  status: string;
  changes: Array<{ field: string; scene: number | null }>;
  costUsd: number;
  outputs: JobOutput[];
}
