import { Injectable } from '@nestjs/common';
import {
  type Brief,
  briefSchema,
  checkStoryboardAgainstBrief,
  type Problem,
  type Storyboard,
  storyboardSchema,
  validateWith,
} from '@app/domain';
import { briefTexts, SafetyScreen, storyboardTexts } from '@app/planner';
import { ValidationError } from '../common/global-exception.filter';

export interface Intake {
  brief: Brief;
  /** a storyboard a person reviewed or edited, to render instead of planning */
  storyboard: Storyboard | null;
}

/**
 * Everything a brief goes through before Reelsmith acts on it: the schema, the rules an edited
 * storyboard must obey against its brief (the same rules planners are held to), and the safety screen.
 */
@Injectable()
export class BriefIntake {
  constructor(private readonly safety: SafetyScreen) {}

  /** Throws a 400 listing every problem of the brief and of the storyboard. */
  parse(body: unknown, opts: { allowStoryboard: boolean }): Intake {
    let rawStoryboard: unknown = undefined;
    let rawBrief = body;
    if (opts.allowStoryboard && body && typeof body === 'object' && !Array.isArray(body) && 'storyboard' in body) {
      const { storyboard, ...rest } = body as Record<string, unknown>;
      rawStoryboard = storyboard;
      rawBrief = rest;
    }
    const problems: Problem[] = [];
    const brief = validateWith(briefSchema, rawBrief);
    if (!brief.ok) problems.push(...brief.problems);
    let storyboard: Storyboard | null = null;
    if (rawStoryboard !== undefined) {
      const parsed = validateWith(storyboardSchema, rawStoryboard);
      if (!parsed.ok) problems.push(...prefixed(parsed.problems));
      else if (brief.ok) problems.push(...prefixed(checkStoryboardAgainstBrief(parsed.value, brief.value)));
      if (parsed.ok) storyboard = parsed.value;
    }
    if (!brief.ok || problems.length) throw new ValidationError(problems);
    return { brief: brief.value, storyboard };
  }

  /** 422 SAFETY.BLOCKED (audited) when the brief or storyboard is not something we make ads of. */
  async screen(intake: Intake, who: { tenantId: string; actor: string; stage: string }): Promise<void> {
    await this.safety.enforce(
      [...briefTexts(intake.brief), ...(intake.storyboard ? storyboardTexts(intake.storyboard) : [])],
      who,
    );
  }
}

function prefixed(problems: Problem[]): Problem[] {
  return problems.map((p) => ({
    field: p.field === '(body)' ? 'storyboard' : `storyboard.${p.field}`,
    reason: p.reason,
  }));
}
