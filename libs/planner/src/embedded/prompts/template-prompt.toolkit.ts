import { Injectable } from '@nestjs/common';
import { type Brief } from '@app/domain';
import { extractBriefFields } from './brief-fields.parser';
import { parseEditRequest } from './edit-request.parser';
import { enhanceIdea } from './idea-brief.builder';
import { applyEdits, unchanged } from './prompt-target.editor';
import {
  type ExtractedBrief,
  type PromptTarget,
  type PromptToolkit,
  type UpdateResult,
  type Variation,
} from '../../prompt-toolkit.port';
import { buildVariations } from './variation.builder';

/**
 * Prompt tools from English heuristics, with no network: serves when no LLM toolkit is configured,
 * and always answers the same way for the same input. Requests it cannot read change nothing.
 */
@Injectable()
export class TemplatePromptToolkit implements PromptToolkit {
  readonly name = 'template';

  async enhance(idea: string, opts: { signal?: AbortSignal } = {}): Promise<{ brief: Brief; notes: string[] }> {
    opts.signal?.throwIfAborted();
    return enhanceIdea(idea);
  }

  async extract(
    text: string,
    opts: { signal?: AbortSignal } = {},
  ): Promise<{ fields: ExtractedBrief; missing: string[] }> {
    opts.signal?.throwIfAborted();
    return extractBriefFields(text);
  }

  async update(target: PromptTarget, request: string, opts: { signal?: AbortSignal } = {}): Promise<UpdateResult> {
    opts.signal?.throwIfAborted();
    const edits = parseEditRequest(request);
    return edits ? applyEdits(target, edits) : unchanged(target);
  }

  async variations(
    target: PromptTarget,
    n: number,
    opts: { signal?: AbortSignal } = {},
  ): Promise<{ items: Variation[] }> {
    opts.signal?.throwIfAborted();
    return { items: buildVariations(target, n) };
  }
}
