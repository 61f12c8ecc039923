import { Injectable } from '@nestjs/common';
import { type Brief, type Storyboard } from '@app/domain';
import { type StoryboardPlanner } from '../storyboard-planner.port';
import { buildTemplateStoryboard } from './template-storyboard.builder';

/**
 * Plans from a fixed ad structure, with no network: serves when no LLM planner is configured and
 * makes runs reproducible. Its output is validated like any planner's by the plan step.
 */
@Injectable()
export class TemplatePlanner implements StoryboardPlanner {
  readonly name = 'template';
  readonly paid = false;

  async plan(brief: Brief, opts: { signal?: AbortSignal } = {}): Promise<Storyboard> {
    opts.signal?.throwIfAborted();
    return buildTemplateStoryboard(brief);
  }
}
