import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppError, type Brief, type Storyboard, Errors } from '@app/domain';
import { type LlmJsonClient } from '@app/planner';
import { matchBlockedCategory } from './blocked-categories';

export const SAFETY_LLM = Symbol('SAFETY_LLM');

/** A text to screen and the field it came from, so a block can name it. */
export interface ScreenedText {
  field: string;
  text: string;
}
export type Screenable = string | ScreenedText;

export interface ScreenVerdict {
  allowed: boolean;
  /** the field whose text was blocked, when the screen was told (blocklist hits) */
  field?: string | null;
  /** the category that blocked it (blocklist id or moderation category) */
  category: string | null;
  reason: string | null;
  source: 'blocklist' | 'moderation' | null;
  /** sha256 of the screened text: the only trace of it we keep */
  promptHash: string;
}

/** Where an audit record goes (the job table, in production). */
export interface SafetyAuditSink {
  record(entry: { tenantId: string; actor: string; stage: string; verdict: ScreenVerdict }): Promise<void>;
}
export const SAFETY_AUDIT = Symbol('SAFETY_AUDIT');

export class SafetyBlockedError extends AppError {
  constructor(readonly verdict: ScreenVerdict) {
    super(
      Errors.safetyBlocked,
      `blocked by the safety filter: ${verdict.reason}${verdict.field ? ` (in ${verdict.field})` : ''}`,
      {
        details: {
          category: verdict.category,
          source: verdict.source,
          ...(verdict.field ? { field: verdict.field } : {}),
        },
      },
    );
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

  async check(screenables: Screenable[], signal?: AbortSignal): Promise<ScreenVerdict> {
    const labelled = screenables.map((t) => (typeof t === 'string' ? { field: null, text: t } : t));
    const texts = labelled.map((t) => t.text);
    const joined = texts.filter(Boolean).join('\n');
    const promptHash = createHash('sha256').update(joined).digest('hex');
    for (const { field, text } of labelled) {
      const hit = text ? matchBlockedCategory(text) : null;
      if (hit) {
        const verdict: ScreenVerdict = {
          allowed: false,
          category: hit.id,
          reason: hit.reason,
          source: 'blocklist',
          promptHash,
        };
        if (field) verdict.field = field;
        return verdict;
      }
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
  async enforce(texts: Screenable[], who: { tenantId: string; actor: string; stage: string }, signal?: AbortSignal) {
    const verdict = await this.check(texts, signal);
    if (verdict.allowed) return verdict;
    this.logger.warn(
      `blocked ${who.stage} for ${who.actor}: ${verdict.category} (prompt sha256 ${verdict.promptHash})`,
    );
    await this.audit.record({ ...who, verdict });
    throw new SafetyBlockedError(verdict);
  }
}

/** Every text of a brief that could steer generation or is shown or spoken, with its field. */
export function briefTexts(brief: Brief): ScreenedText[] {
  const c = brief.compliance;
  return labelled([
    ['brief', brief.brief],
    ['product.name', brief.product?.name],
    ['product.description', brief.product?.description],
    ['audience', brief.audience],
    ['tone', brief.tone],
    ['style', brief.style],
    ['callToAction', brief.callToAction],
    ['music.mood', brief.music.mood],
    ['brand.name', brief.brand?.name],
    ['brand.font', brief.brand?.font],
    ['watermark.text', brief.watermark?.text],
    ...(c?.sideEffects ?? []).map((t, i) => [`compliance.sideEffects.${i}`, t] as const),
    ['compliance.dosage', c?.dosage],
    ['compliance.disclaimer', c?.disclaimer],
  ]);
}

/** The texts of a storyboard that reach a generator or the screen. */
export function storyboardTexts(storyboard: Storyboard): ScreenedText[] {
  return labelled([
    ['storyboard.title', storyboard.title],
    ...storyboard.scenes.flatMap((s, i) => [
      [`storyboard.scenes.${i}.visualPrompt`, s.visualPrompt] as const,
      [`storyboard.scenes.${i}.onScreenText`, s.onScreenText] as const,
      // spoken by the voiceover
      [`storyboard.scenes.${i}.narration`, s.narration] as const,
    ]),
    ['storyboard.endCard.headline', storyboard.endCard.headline],
    ['storyboard.endCard.callToAction', storyboard.endCard.callToAction],
    ['storyboard.music.mood', storyboard.music.mood],
  ]);
}

function labelled(entries: ReadonlyArray<readonly [string, string | null | undefined]>): ScreenedText[] {
  return entries.filter((e): e is readonly [string, string] => Boolean(e[1])).map(([field, text]) => ({ field, text }));
}
