import { type Brief, type BriefInput, type Storyboard } from '@app/domain';

/** What free text states about a brief; only fields actually found are present. */
export type ExtractedBrief = Partial<
  Pick<BriefInput, 'durationSec' | 'aspectRatio' | 'audience' | 'tone' | 'style' | 'callToAction'>
> & {
  product?: { name: string; description?: string };
  compliance?: { sideEffects?: string[]; dosage?: string; disclaimer?: string };
};

/** A storyboard edit checks against its brief when there is one, so the two stay consistent. */
export type PromptTarget =
  { kind: 'brief'; brief: Brief } | { kind: 'storyboard'; storyboard: Storyboard; brief?: Brief };

export interface UpdateResult {
  kind: 'brief' | 'storyboard';
  brief?: Brief;
  storyboard?: Storyboard;
  /** One line per change, in words; empty when the request changed nothing. */
  changes: string[];
}

export interface Variation {
  label: string;
  brief?: Brief;
  storyboard?: Storyboard;
}

/** Helps a person write and revise briefs and storyboards. Implementations may be a template or an LLM. */
export interface PromptToolkit {
  readonly name: string;
  enhance(idea: string, opts?: { signal?: AbortSignal }): Promise<{ brief: Brief; notes: string[] }>;
  extract(text: string, opts?: { signal?: AbortSignal }): Promise<{ fields: ExtractedBrief; missing: string[] }>;
  update(target: PromptTarget, request: string, opts?: { signal?: AbortSignal }): Promise<UpdateResult>;
  variations(target: PromptTarget, n: number, opts?: { signal?: AbortSignal }): Promise<{ items: Variation[] }>;
}

export const PROMPT_TOOLKIT = Symbol('PROMPT_TOOLKIT');
