import { type Brief } from './brief.schema';
import { transitionSecOf } from './continuity';
import { type Storyboard, MAX_SCENE_SEC, MIN_SCENE_SEC } from './storyboard.schema';
import { type Problem } from './validation';

/** A voiceover line must be speakable inside its scene: at most this many words per second. */
export const MAX_NARRATION_WORDS_PER_SEC = 2.5;

export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** A blend may take at most a third of either scene it joins, so both scenes are still seen. */
export function maxTransitionSec(before: { durationSec: number }, after: { durationSec: number }): number {
  return Math.min(before.durationSec, after.durationSec) / 3;
}

/**
 * Rules a stored storyboard must obey whoever wrote it (template, LLM or a person): it fits the
 * brief's length and format, scenes stay within bounds, and compliance and call to action survive.
 */
export function checkStoryboardAgainstBrief(storyboard: Storyboard, brief: Brief): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, reason: string) => problems.push({ field, reason });

  if (storyboard.aspectRatio !== brief.aspectRatio) add('aspectRatio', `must be the brief's ${brief.aspectRatio}`);
  if (storyboard.durationSec !== brief.durationSec) add('durationSec', `must be the brief's ${brief.durationSec}`);
  const sum = storyboard.scenes.reduce((s, x) => s + x.durationSec, 0);
  if (sum !== brief.durationSec) add('scenes', `durations sum to ${sum}s, not ${brief.durationSec}s`);
  storyboard.scenes.forEach((scene, i) => {
    if (scene.index !== i) add(`scenes.${i}.index`, `must be ${i}`);
    if (scene.durationSec < MIN_SCENE_SEC || scene.durationSec > MAX_SCENE_SEC) {
      add(`scenes.${i}.durationSec`, `must be ${MIN_SCENE_SEC}-${MAX_SCENE_SEC}s`);
    }
    const previous = storyboard.scenes[i - 1];
    if (previous && transitionSecOf(scene) > maxTransitionSec(previous, scene) + 1e-9) {
      add(`scenes.${i}.transitionSec`, `must be at most a third of the shorter scene it joins`);
    }
    if (scene.narration && wordCount(scene.narration) > Math.floor(MAX_NARRATION_WORDS_PER_SEC * scene.durationSec)) {
      add(
        `scenes.${i}.narration`,
        `must be speakable in ${scene.durationSec}s (at most ${MAX_NARRATION_WORDS_PER_SEC} words a second)`,
      );
    }
  });
  if (storyboard.scenes[0] && storyboard.scenes[0].transitionIn !== 'cut') add('scenes.0.transitionIn', 'must be cut');
  const last = storyboard.scenes[storyboard.scenes.length - 1];
  if (last && storyboard.endCard.durationSec > last.durationSec) {
    add('endCard.durationSec', 'must fit inside the last scene');
  }
  if (brief.callToAction && !storyboard.endCard.callToAction.includes(brief.callToAction)) {
    add('endCard.callToAction', "must contain the brief's call to action verbatim");
  }
  const required = [...(brief.compliance?.sideEffects ?? []), brief.compliance?.dosage, brief.compliance?.disclaimer];
  for (const item of required) {
    if (item && !storyboard.compliance?.text.includes(item)) add('compliance.text', `must contain "${item}" verbatim`);
  }
  if (storyboard.music.enabled !== brief.music.enabled) add('music.enabled', `must be ${brief.music.enabled}`);
  return problems;
}
