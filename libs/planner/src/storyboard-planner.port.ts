import { type Brief, type Storyboard } from '@app/domain';

/** Turns a brief into a storyboard. Implementations may be a template, an LLM or a person's edit. */
export interface StoryboardPlanner {
  readonly name: string;
  plan(brief: Brief, opts?: { signal?: AbortSignal }): Promise<Storyboard>;
}

export const STORYBOARD_PLANNER = Symbol('STORYBOARD_PLANNER');
