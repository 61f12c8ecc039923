import { Injectable } from '@nestjs/common';
import {
  type Brief,
  briefSchema,
  checkMajorStatement,
  checkStoryboardAgainstBrief,
  majorStatementFitProblems,
  type Problem,
  type Storyboard,
  storyboardSchema,
  validateWith,
} from '@app/domain';
import { briefTexts, SafetyScreen, storyboardTexts } from '@app/safety';
import { ValidationError } from '../common/global-exception.filter';
import { intakeRuleProblems } from './intake-rules';

export interface Intake {
  brief: Brief;
  /** a storyboard a person reviewed or edited, to render instead of planning */
  storyboard: Storyboard | null;
}

export interface CheckedIntake {
  brief: Brief | null;
  storyboard: Storyboard | null;
  problems: Problem[];
  ruleProblems: Problem[];
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
    const checked = this.check(body, opts);
    const problems = [...checked.problems, ...checked.ruleProblems];
    if (!checked.brief || problems.length) throw new ValidationError(problems);
    return { brief: checked.brief, storyboard: checked.storyboard };
  }

  /**
   * The same checks without throwing: `problems` are what the schemas reject (nothing can be done
   * with the body), `ruleProblems` what an otherwise well-formed storyboard breaks against its brief
   * (a person editing it is shown them before rendering; a render refuses them).
   */
  check(body: unknown, opts: { allowStoryboard: boolean }): CheckedIntake {
    let rawStoryboard: unknown = undefined;
    let rawBrief = body;
    if (opts.allowStoryboard && body && typeof body === 'object' && !Array.isArray(body) && 'storyboard' in body) {
      const { storyboard, ...rest } = body as Record<string, unknown>;
      rawStoryboard = storyboard;
      rawBrief = rest;
    }
    const problems: Problem[] = [];
    const ruleProblems: Problem[] = [];
    const brief = validateWith(briefSchema, rawBrief);
    if (!brief.ok) problems.push(...brief.problems);
    else
      problems.push(
        ...intakeRuleProblems(brief.value),
        // The major statement must be speakable and shown in the ad's length (the minimum is in the reason).
        ...majorStatementFitProblems(brief.value),
      );
    let storyboard: Storyboard | null = null;
    if (rawStoryboard !== undefined) {
      const parsed = validateWith(storyboardSchema, rawStoryboard);
      if (!parsed.ok) problems.push(...prefixed(parsed.problems));
      else if (brief.ok) {
        ruleProblems.push(
          ...prefixed([
            ...checkStoryboardAgainstBrief(parsed.value, brief.value),
            // A person's edit (the studio's review) must keep the major statement's window clear, as
            // the planners lay it out: no cut, blend, other text, narration or camera move inside it.
            ...checkMajorStatement(parsed.value, brief.value),
          ]),
        );
      }
      if (parsed.ok) storyboard = parsed.value;
    }
    return { brief: brief.ok ? brief.value : null, storyboard, problems, ruleProblems };
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
