import {
  AppError,
  briefSchema,
  checkStoryboardAgainstBrief,
  ErrorCodes,
  storyboardSchema,
  validateWith,
  type Brief,
  type Storyboard,
} from '@app/domain';
import { editBrief } from './brief.editor';
import { rejectEdit } from './edit-rejection';
import { type PromptEdit } from './prompt-edit';
import { type PromptTarget, type UpdateResult } from './prompt-toolkit.port';
import { editStoryboard } from './storyboard.editor';

/**
 * Applies edits in order and checks the result the way the pipeline will: the schema, and the
 * storyboard against its brief. Results never share objects with the target.
 */
export function applyEdits(target: PromptTarget, edits: readonly PromptEdit[]): UpdateResult {
  const changes: string[] = [];
  if (target.kind === 'brief') {
    let brief = target.brief;
    for (const edit of edits) {
      const edited = editBrief(brief, edit);
      brief = edited.brief;
      changes.push(...edited.changes);
    }
    assertValid({ brief: target.brief }, { brief });
    return { kind: 'brief', brief: structuredClone(brief), changes: [...new Set(changes)] };
  }
  let storyboard = target.storyboard;
  let brief = target.brief;
  for (const edit of edits) {
    const edited = editStoryboard(storyboard, brief, edit);
    storyboard = edited.storyboard;
    brief = edited.brief;
    changes.push(...edited.changes);
  }
  assertValid({ storyboard: target.storyboard, brief: target.brief }, { storyboard, brief });
  return {
    kind: 'storyboard',
    storyboard: structuredClone(storyboard),
    ...(brief ? { brief: structuredClone(brief) } : {}),
    changes: [...new Set(changes)],
  };
}

/** The target as it was, for a request that asked for nothing this toolkit knows how to do. */
export function unchanged(target: PromptTarget): UpdateResult {
  if (target.kind === 'brief') return { kind: 'brief', brief: structuredClone(target.brief), changes: [] };
  return {
    kind: 'storyboard',
    storyboard: structuredClone(target.storyboard),
    ...(target.brief ? { brief: structuredClone(target.brief) } : {}),
    changes: [],
  };
}

interface Pair {
  brief?: Brief;
  storyboard?: Storyboard;
}

export function problemsOf({ brief, storyboard }: Pair): string[] {
  const problems: string[] = [];
  const add = (where: string, list: ReadonlyArray<{ field: string; reason: string }>) =>
    problems.push(...list.map((p) => `${where}.${p.field}: ${p.reason}`));
  if (brief) {
    const checked = validateWith(briefSchema, brief);
    if (!checked.ok) add('brief', checked.problems);
  }
  if (storyboard) {
    const checked = validateWith(storyboardSchema, storyboard);
    if (!checked.ok) add('storyboard', checked.problems);
    else if (brief) add('storyboard', checkStoryboardAgainstBrief(storyboard, brief));
  }
  return problems;
}

function assertValid(before: Pair, after: Pair): void {
  const problems = problemsOf(after);
  if (!problems.length) return;
  const given = problemsOf(before);
  // An edit cannot be expected to repair what it was given; one that breaks a valid target is a bug here.
  if (given.length) throw rejectEdit(`what was given to edit is not valid: ${given.slice(0, 5).join('; ')}`);
  throw new AppError(ErrorCodes.internal, `the edit left the result invalid: ${problems.slice(0, 5).join('; ')}`);
}
