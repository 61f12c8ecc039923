import { type Brief, type PlanningRecord, type Storyboard } from '@app/domain';

/** How a storyboard was planned (the job records it as its `planning`), and the answer format an LLM used. */
export interface PlanReport extends PlanningRecord {
  responseFormat?: 'json_schema' | 'json_object';
}

export interface PlanOptions {
  signal?: AbortSignal;
  onReport?: (report: PlanReport) => void;
}

/** Turns a brief into a storyboard. Implementations may be a template, an LLM or a person's edit. */
export interface StoryboardPlanner {
  readonly name: string;
  /** the model behind it, when there is one (health shows it) */
  readonly model?: string | null;
  /** true when planning calls a paid service (an LLM): the plan step checks the spend caps first */
  readonly paid: boolean;
  plan(brief: Brief, opts?: PlanOptions): Promise<Storyboard>;
}

export const STORYBOARD_PLANNER = Symbol('STORYBOARD_PLANNER');
