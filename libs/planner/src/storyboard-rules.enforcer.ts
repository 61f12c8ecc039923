import {
  type Brief,
  complianceText,
  isBlended,
  majorStatementSec,
  STATEMENT_BEAT,
  STATEMENT_BODY_MIN_SEC,
  withMajorStatement,
  MAX_NARRATION_WORDS_PER_SEC,
  maxTransitionSec,
  MIN_TRANSITION_SEC,
  transitionSecOf,
  MAX_SCENE_SEC,
  MAX_SCENES,
  MIN_SCENE_SEC,
  type Problem,
  splitDuration,
  type Storyboard,
  type StoryboardScene,
} from '@app/domain';

/** How many scenes a brief's length allows. */
export function sceneCountBounds(durationSec: number): { min: number; max: number } {
  return {
    min: Math.ceil(durationSec / MAX_SCENE_SEC),
    max: Math.min(MAX_SCENES, Math.floor(durationSec / MIN_SCENE_SEC)),
  };
}

/** Seconds the story has: the brief's length less the major statement's held scenes, when it fits. */
export function storySec(brief: Brief): number {
  const statementSec = majorStatementSec(brief);
  return brief.durationSec - statementSec >= STATEMENT_BODY_MIN_SEC
    ? brief.durationSec - statementSec
    : brief.durationSec;
}

/** Problems worth sending back to a model for repair (the rest is enforced without asking). */
export function repairableProblems(storyboard: Storyboard, brief: Brief): Problem[] {
  const total = storySec(brief);
  const { min, max } = sceneCountBounds(total);
  const n = storyboard.scenes.filter((s) => s.beat !== STATEMENT_BEAT).length;
  return n < min || n > max
    ? [
        {
          field: 'scenes',
          reason: `a ${total}s story (before the major statement) needs ${min}-${max} scenes, not ${n}`,
        },
      ]
    : [];
}

// Control characters (but newlines) never reach a text file, a prompt or a log line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/g;
const clean = (text: string) => text.replace(CONTROL, '');

/**
 * Makes any schema-valid storyboard obey the brief, whoever wrote it: the brief owns the length,
 * format, music switch, call to action and compliance text (copied verbatim, never taken from the
 * model); scene count and durations are brought within bounds and re-split to sum exactly.
 * The result passes `checkStoryboardAgainstBrief` by construction.
 */
export function enforceBriefRules(candidate: Storyboard, brief: Brief): Storyboard {
  // The major statement's held scenes are laid out here, never taken from the model; the story gets the rest.
  const total = storySec(brief);
  const reserve = brief.durationSec - total;
  const { min, max } = sceneCountBounds(total);
  const told = candidate.scenes.filter((s) => s.beat !== STATEMENT_BEAT);
  let scenes: StoryboardScene[] = (told.length ? told : candidate.scenes).map((s) => ({
    ...s,
    beat: clean(s.beat) || 'scene',
    visualPrompt: clean(s.visualPrompt) || 'product shot',
    onScreenText: clean(s.onScreenText),
    palette: [...s.palette],
  }));
  if (scenes.length > max) scenes = [...scenes.slice(0, max - 1), scenes[scenes.length - 1]];
  while (scenes.length < min) {
    // The longest shot continues in a second scene of the same shot.
    const longest = scenes.reduce((best, s, i) => (s.durationSec > scenes[best].durationSec ? i : best), 0);
    scenes.splice(longest + 1, 0, { ...scenes[longest], transitionIn: 'continuous', onScreenText: '' });
  }
  const durations = splitDuration(
    total,
    scenes.map((s) => Math.max(1, s.durationSec)),
    MIN_SCENE_SEC,
    MAX_SCENE_SEC,
  );
  scenes = scenes.map((s, i) => ({
    ...s,
    index: i,
    durationSec: durations[i],
    transitionIn: i === 0 ? 'cut' : s.transitionIn,
  }));
  scenes = scenes.map((s, i) => {
    const fixed: StoryboardScene = { ...s };
    // Re-split durations may leave a blend too long for its scenes: shorten it (or drop it to a cut).
    if (i > 0 && isBlended(s.transitionIn)) {
      const limit = Math.floor(maxTransitionSec(scenes[i - 1], s) * 100) / 100;
      if (limit < MIN_TRANSITION_SEC) {
        fixed.transitionIn = 'cut';
        delete fixed.transitionSec;
      } else if (transitionSecOf(s) > limit) fixed.transitionSec = limit;
    } else delete fixed.transitionSec;
    if (s.narration !== undefined) {
      const words = clean(s.narration).split(/\s+/).filter(Boolean);
      const max = Math.floor(MAX_NARRATION_WORDS_PER_SEC * s.durationSec);
      if (words.length) fixed.narration = words.slice(0, max).join(' ');
      else delete fixed.narration;
    }
    if (brief.voiceover.enabled === false) delete fixed.narration;
    return fixed;
  });
  const last = scenes[scenes.length - 1];
  const compliance = complianceText(brief);
  const enforced: Storyboard = {
    title: clean(candidate.title) || brief.product?.name || 'Ad',
    aspectRatio: brief.aspectRatio,
    durationSec: brief.durationSec,
    scenes,
    music: { mood: brief.music.mood ?? clean(candidate.music.mood), enabled: brief.music.enabled },
    endCard: {
      headline: clean(candidate.endCard.headline) || brief.product?.name || brief.brand?.name || 'Learn more',
      callToAction: brief.callToAction ?? clean(candidate.endCard.callToAction),
      durationSec: Math.min(Math.max(1, candidate.endCard.durationSec), last.durationSec, 10),
    },
    compliance: compliance ? { text: compliance } : null,
  };
  return reserve ? withMajorStatement(enforced, brief) : enforced;
}
