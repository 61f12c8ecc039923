import { type Brief, type Storyboard } from '@app/domain';

/** How a storyboard was planned: recorded on the job (model, tokens, latency). */
export interface PlanReport {
  planner: string;
  model: string | null;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  calls: number;
  repaired: boolean;
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
  plan(brief: Brief, opts?: PlanOptions): Promise<Storyboard>;
}

export const STORYBOARD_PLANNER = Symbol('STORYBOARD_PLANNER');
