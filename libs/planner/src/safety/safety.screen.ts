import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppError, type Brief, type Storyboard } from '@app/domain';
import { type LlmJsonClient } from '../llm/llm-json.client';
import { matchBlockedCategory } from './blocked-categories';

export const SAFETY_LLM = Symbol('SAFETY_LLM');

export interface SafetyVerdict {
  allowed: boolean;
  /** the category that blocked it (blocklist id or moderation category) */
  category: string | null;
  reason: string | null;
  source: 'blocklist' | 'moderation' | null;
  /** sha256 of the screened text: the only trace of it we keep */
  promptHash: string;
}

/** Where an audit record goes (the job table, in production). */
export interface SafetyAuditSink {
  record(entry: { tenantId: string; actor: string; stage: string; verdict: SafetyVerdict }): Promise<void>;
}
export const SAFETY_AUDIT = Symbol('SAFETY_AUDIT');

export class SafetyBlockedError extends AppError {
  constructor(readonly verdict: SafetyVerdict) {
    super('SAFETY.BLOCKED', `blocked by the safety filter: ${verdict.reason}`, {
      status: 422,
      retryable: false,
      details: { category: verdict.category, source: verdict.source },
    });
  }
}

/**
 * Screens briefs and planned prompts before anything is generated: the maintained blocklist
 * first, then the moderation endpoint of the configured OpenAI-compatible server. A block is
 * audited (who, when, prompt hash, reason) and raised; the raw text is never logged.
 */
@Injectable()
export class SafetyScreen {
  private readonly logger = new Logger(SafetyScreen.name);

  constructor(
    @Inject(SAFETY_AUDIT) private readonly audit: SafetyAuditSink,
    @Optional() @Inject(SAFETY_LLM) private readonly llm: LlmJsonClient | null = null,
  ) {}

  get moderation(): boolean {
    return this.llm !== null;
  }

  async check(texts: string[], signal?: AbortSignal): Promise<SafetyVerdict> {
    const joined = texts.filter(Boolean).join('\n');
    const promptHash = createHash('sha256').update(joined).digest('hex');
    for (const text of texts) {
      const hit = text ? matchBlockedCategory(text) : null;
      if (hit) return { allowed: false, category: hit.id, reason: hit.reason, source: 'blocklist', promptHash };
    }
    if (this.llm && joined) {
      const flagged = await this.llm.moderate(texts.filter(Boolean), signal);
      if (flagged.length) {
        return {
          allowed: false,
          category: flagged[0],
          reason: `flagged by moderation: ${flagged.join(', ')}`,
          source: 'moderation',
          promptHash,
        };
      }
    }
    return { allowed: true, category: null, reason: null, source: null, promptHash };
  }

  /** Checks, and on a block records the audit entry and throws SAFETY.BLOCKED. */
  async enforce(texts: string[], who: { tenantId: string; actor: string; stage: string }, signal?: AbortSignal) {
    const verdict = await this.check(texts, signal);
    if (verdict.allowed) return verdict;
    this.logger.warn(
      `blocked ${who.stage} for ${who.actor}: ${verdict.category} (prompt sha256 ${verdict.promptHash})`,
    );
    await this.audit.record({ ...who, verdict });
    throw new SafetyBlockedError(verdict);
  }
}

/** The texts of a brief that could steer generation. */
export function briefTexts(brief: Brief): string[] {
  return [
    brief.brief,
    brief.product?.name,
    brief.product?.description,
    brief.audience,
    brief.tone,
    brief.style,
    brief.callToAction,
    brief.music.mood,
  ].filter((t): t is string => Boolean(t));
}

/** The texts of a storyboard that reach a generator or the screen. */
export function storyboardTexts(storyboard: Storyboard): string[] {
  return [
    storyboard.title,
    ...storyboard.scenes.flatMap((s) => [s.visualPrompt, s.onScreenText]),
    storyboard.endCard.headline,
    storyboard.endCard.callToAction,
    storyboard.music.mood,
  ].filter(Boolean);
}
