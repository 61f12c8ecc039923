import {
  AppError,
  briefSchema,
  checkMajorStatement,
  checkStoryboardAgainstBrief,
  Errors,
  STATEMENT_BEAT,
  STATEMENT_CAMERA,
  storyboardSchema,
  validateWith,
  type Brief,
  type Storyboard,
} from '@app/domain';
import { editBrief } from './brief.editor';
import { rejectEdit } from './edit-rejection';
import { type PromptEdit } from './prompt-edit';
import { type PromptTarget, type UpdateResult } from '../../prompt-toolkit.port';
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
  if (brief && target.storyboard.compliance?.statement && edits.every((e) => e.kind === 'tone' || e.kind === 'look'))
    storyboard = keepStatement(storyboard, brief);
  assertValid({ storyboard: target.storyboard, brief: target.brief }, { storyboard, brief });
  return {
    kind: 'storyboard',
    storyboard: structuredClone(storyboard),
    ...(brief ? { brief: structuredClone(brief) } : {}),
    changes: [...new Set(changes)],
  };
}

/**
 * A tool's edit (a tone, a look) keeps the major statement as the planner laid it: its held scenes
 * stay static, silent and without text, joined without a cut, and the scene after them is entered
 * with a cut. One that still breaks the window is refused, naming why. (Edits that move scenes or
 * change the length are left to the storyboard check at submit, which names what they broke.)
 */
function keepStatement(storyboard: Storyboard, brief: Brief): Storyboard {
  const scenes = storyboard.scenes.map((scene, i) => {
    const held = scene.beat === STATEMENT_BEAT;
    const after = !held && storyboard.scenes[i - 1]?.beat === STATEMENT_BEAT;
    if (!held && !after) return scene;
    const first = held && storyboard.scenes[i - 1]?.beat !== STATEMENT_BEAT;
    const kept = { ...scene, transitionIn: held && !first ? ('continuous' as const) : ('cut' as const) };
    delete kept.transitionSec;
    if (held) {
      kept.cameraMove = STATEMENT_CAMERA;
      kept.onScreenText = '';
      delete kept.narration;
    }
    return kept;
  });
  const kept: Storyboard = { ...storyboard, scenes };
  const problems = checkMajorStatement(kept, brief);
  if (problems.length)
    throw rejectEdit(`this edit would break the major statement: ${problems.map((p) => p.reason).join('; ')}`);
  return kept;
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
  throw new AppError(Errors.internal, `the edit left the result invalid: ${problems.slice(0, 5).join('; ')}`);
}
