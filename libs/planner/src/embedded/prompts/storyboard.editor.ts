import { isBlended, transitionSecOf, type Brief, type Storyboard, type StoryboardScene } from '@app/domain';
import { blendSecFor, chooseBeatTransitions, followsStyle } from '../scene-transition.builder';
import { complianceItems, fitsScene, mentionsAny, sentencesOf, withoutAddresses } from '../spoken-line';
import { capitalise, pick, squash } from '../text';
import { classifyTone, TONE_PROFILES, type TransitionStyle } from '../tone.profile';
import { checkCallToAction, checkDuration, editBrief, quote } from './brief.editor';
import { rejectEdit } from './edit-rejection';
import { rewriteDurations } from './format-mention.editor';
import { type PromptEdit, type SceneLook, type SceneRef, type ToneTarget } from './prompt-edit';
import { fitSceneTiming, removeScene, retimeScenes } from './scene-timing';
import { SCENE_LOOK_PROFILES, shadePalette } from './scene-look';
import { movesFor } from './tone-shift';
import { FRAMING, promptLine, withCamera, withPromptLine } from './visual-prompt.editor';

const MAX_ON_SCREEN_CHARS = 200;
const MAX_TITLE_CHARS = 200;

export interface EditedStoryboard {
  storyboard: Storyboard;
  brief?: Brief;
  changes: string[];
}

/**
 * Applies one edit to a storyboard and, when given, its brief, so the pair stays consistent. Touches
 * only what the edit names; never mutates its inputs. Scenes are 1-based in edits and changes.
 */
export function editStoryboard(storyboard: Storyboard, brief: Brief | undefined, edit: PromptEdit): EditedStoryboard {
  const edited = brief && edit.kind !== 'look' && !isSceneEdit(edit) ? editBrief(brief, edit) : null;
  const nextBrief = edited?.brief ?? brief;
  const { storyboard: next, changes } = editScenes(storyboard, nextBrief, edit);
  const fitted = fitEndCard(next);
  return {
    storyboard: fitted.storyboard,
    ...(nextBrief ? { brief: nextBrief } : {}),
    changes: [...new Set([...(edited?.changes ?? []), ...changes, ...fitted.changes])],
  };
}

function isSceneEdit(edit: PromptEdit): boolean {
  return edit.kind === 'remove-scenes' || edit.kind === 'swap-scenes' || edit.kind === 'on-screen-text';
}

function editScenes(
  sb: Storyboard,
  brief: Brief | undefined,
  edit: PromptEdit,
): { storyboard: Storyboard; changes: string[] } {
  switch (edit.kind) {
    case 'look':
      return setLook(sb, brief, edit.look, edit.scenes);
    case 'duration': {
      checkDuration(edit.sec);
      const sum = sb.scenes.reduce((s, x) => s + x.durationSec, 0);
      if (sb.durationSec === edit.sec && sum === edit.sec) return { storyboard: sb, changes: [] };
      const timed = retimeScenes(sb.scenes, edit.sec);
      const title = rewriteDurations(sb.title, sb.durationSec, edit.sec);
      const titleFits = title.replaced.length > 0 && title.text.length <= MAX_TITLE_CHARS;
      return {
        storyboard: { ...sb, durationSec: edit.sec, scenes: timed.scenes, ...(titleFits ? { title: title.text } : {}) },
        changes: [
          `duration: ${sb.durationSec} s → ${edit.sec} s`,
          ...timed.changes,
          ...(titleFits ? [`title: ${title.replaced.join(', ')}`] : []),
        ],
      };
    }
    case 'aspect': {
      if (sb.aspectRatio === edit.ratio) return { storyboard: sb, changes: [] };
      const scenes = sb.scenes.map((s) => ({
        ...s,
        visualPrompt: withPromptLine(s.visualPrompt, 'Framing', FRAMING[edit.ratio]),
      }));
      const reframed = scenes.filter((s, i) => s.visualPrompt !== sb.scenes[i].visualPrompt).map((s) => s.index);
      return {
        storyboard: { ...sb, aspectRatio: edit.ratio, scenes },
        changes: [
          `aspect ratio: ${sb.aspectRatio} → ${edit.ratio}`,
          ...(reframed.length
            ? [`visual prompts: framing set to ${FRAMING[edit.ratio]} (${sceneList(reframed)})`]
            : []),
        ],
      };
    }
    case 'call-to-action': {
      const text = checkCallToAction(edit.text);
      if (sb.endCard.callToAction === text) return { storyboard: sb, changes: [] };
      const spoken = respeakCallToAction(sb, brief, text);
      return {
        storyboard: { ...sb, scenes: spoken.scenes, endCard: { ...sb.endCard, callToAction: text } },
        changes: [`call to action: ${quote(sb.endCard.callToAction)} → ${quote(text)}`, ...spoken.changes],
      };
    }
    case 'tone':
      return retone(sb, brief, edit.tone);
    case 'remove-scenes': {
      const at = [...new Set(edit.scenes.map((ref) => resolve(ref, sb.scenes.length)))].sort((a, b) => b - a);
      if (at.length >= sb.scenes.length) throw rejectEdit('a storyboard keeps at least one scene');
      let labels = sb.scenes.map((_, i) => String(i + 1));
      let scenes = sb.scenes;
      const changes: string[] = [];
      // Highest first, so each number still names the scene the person meant.
      for (const i of at) {
        const removed = removeScene(scenes, i, labels);
        scenes = removed.scenes;
        labels = labels.filter((_, j) => j !== i);
        changes.push(...removed.changes);
      }
      changes.push(`scenes renumbered 1-${scenes.length}`);
      return { storyboard: { ...sb, scenes }, changes };
    }
    case 'swap-scenes':
      return swapScenes(sb, resolve(edit.scenes[0], sb.scenes.length), resolve(edit.scenes[1], sb.scenes.length));
    case 'on-screen-text': {
      const i = resolve(edit.scene, sb.scenes.length);
      if (edit.text.length > MAX_ON_SCREEN_CHARS) {
        throw rejectEdit(`on-screen text is at most ${MAX_ON_SCREEN_CHARS} characters, not ${edit.text.length}`);
      }
      const scene = sb.scenes[i];
      if (scene.onScreenText === edit.text) return { storyboard: sb, changes: [] };
      return {
        storyboard: { ...sb, scenes: replaceAt(sb.scenes, i, { ...scene, onScreenText: edit.text }) },
        changes: [
          `scene ${i + 1}: on-screen text ${quote(scene.onScreenText || undefined)} → ${quote(edit.text || undefined)}`,
        ],
      };
    }
    case 'seed':
      throw rejectEdit('a new seed applies to a brief: re-plan it to get a new storyboard');
  }
}

function setLook(
  sb: Storyboard,
  brief: Brief | undefined,
  look: SceneLook,
  refs: SceneRef[] | 'all',
): { storyboard: Storyboard; changes: string[] } {
  const profile = SCENE_LOOK_PROFILES[look];
  const targets =
    refs === 'all' ? sb.scenes.map((_, i) => i) : [...new Set(refs.map((r) => resolve(r, sb.scenes.length)))];
  // The brand's colours stay exactly as they are, as the planner's palettes keep them.
  const brand = new Set((brief?.brand?.colors ?? []).map((c) => c.toUpperCase()));
  const relit: number[] = [];
  const shaded: number[] = [];
  const scenes = sb.scenes.map((scene, i) => {
    if (!targets.includes(i) || promptLine(scene.visualPrompt, 'Lighting') === profile.lighting) return scene;
    const palette = shadePalette(scene.palette, look, brand);
    relit.push(i);
    if (palette.some((c, j) => c !== scene.palette[j])) shaded.push(i);
    return { ...scene, visualPrompt: withPromptLine(scene.visualPrompt, 'Lighting', profile.lighting), palette };
  });
  if (!relit.length) return { storyboard: sb, changes: [] };
  const kept = relit.filter((i) => !shaded.includes(i));
  const changes = [
    ...(shaded.length
      ? [`${sceneList(shaded)}: set ${profile.phrase} (visual prompt, palette ${profile.paletteWord})`]
      : []),
    ...(kept.length ? [`${sceneList(kept)}: set ${profile.phrase} (visual prompt; palette kept: brand colours)`] : []),
  ];
  return { storyboard: { ...sb, scenes }, changes };
}

const PROFILE_LIGHTINGS = [...new Set(Object.values(TONE_PROFILES).map((t) => t.lighting))].sort(
  (a, b) => b.length - a.length,
);
const PROFILE_STYLES = new Set(Object.values(TONE_PROFILES).map((t) => capitalise(t.style)));

/**
 * Moves the storyboard to a tone the way the planner would have shot it: beat transitions, camera
 * moves that suit the tone, and the prompt's mood, pace and (tone-chosen) light. A light or style the
 * brief asked for is not the tone's to change.
 */
function retone(
  sb: Storyboard,
  brief: Brief | undefined,
  target: ToneTarget,
): { storyboard: Storyboard; changes: string[] } {
  const profile = TONE_PROFILES[target];
  const mood = brief?.tone ?? profile.mood;
  const joins = retoneTransitions(sb.scenes, profile.transitions, brief?.seed ?? 0);
  const transitions: string[] = [];
  const moves: string[] = [];
  const rewritten: number[] = [];
  const scenes: StoryboardScene[] = [];
  sb.scenes.forEach((scene, i) => {
    const { transitionIn, transitionSec } = joins[i];
    if (transitionIn !== scene.transitionIn || transitionSec !== scene.transitionSec) {
      transitions.push(`scene ${i + 1} ${describeJoin(scene)} → ${describeJoin(joins[i])}`);
    }
    let cameraMove = scene.cameraMove;
    const continued = i > 0 && scene.transitionIn === 'continuous' && sb.scenes[i - 1].cameraMove === scene.cameraMove;
    // A continued shot keeps moving the way its first part moves; a new direction would read as a cut.
    if (continued) cameraMove = scenes[i - 1].cameraMove;
    else if (!movesFor(target, scene.beat).includes(cameraMove))
      cameraMove = pick(movesFor(target, scene.beat), scene.beat, i, target);
    if (cameraMove !== scene.cameraMove) moves.push(`scene ${i + 1} ${scene.cameraMove} → ${cameraMove}`);

    let prompt = scene.visualPrompt;
    const moodLine = promptLine(prompt, 'Mood');
    // A mood that already reads as the target tone (often with the brief's own words) is left as written.
    if (moodLine !== null && classifyTone(moodLine) !== target) prompt = withPromptLine(prompt, 'Mood', mood);
    prompt = withCamera(prompt, cameraMove, profile.pace);
    const lighting = promptLine(prompt, 'Lighting');
    const toneLight = lighting === null ? undefined : PROFILE_LIGHTINGS.find((l) => lighting.startsWith(l));
    if (lighting !== null && toneLight)
      prompt = withPromptLine(prompt, 'Lighting', profile.lighting + lighting.slice(toneLight.length));
    const style = promptLine(prompt, 'Style');
    if (style !== null && PROFILE_STYLES.has(style))
      prompt = withPromptLine(prompt, 'Style', capitalise(profile.style));
    if (prompt !== scene.visualPrompt) rewritten.push(i);
    const retoned: StoryboardScene = { ...scene, transitionIn, cameraMove, visualPrompt: prompt };
    if (transitionSec === undefined) delete retoned.transitionSec;
    else retoned.transitionSec = transitionSec;
    scenes.push(retoned);
  });

  const changes: string[] = [];
  if (transitions.length) changes.push(`transitions: ${transitions.join(', ')}`);
  if (moves.length) changes.push(`camera moves: ${moves.join(', ')}`);
  if (rewritten.length)
    changes.push(`visual prompts: mood, pace and light set for the ${target} tone (${sceneList(rewritten)})`);
  let music = sb.music;
  if (sb.music.mood !== profile.musicMood) {
    music = { ...sb.music, mood: profile.musicMood };
    changes.push(`music mood: ${quote(sb.music.mood)} → ${quote(profile.musicMood)}`);
  }
  return changes.length ? { storyboard: { ...sb, scenes, music }, changes } : { storyboard: sb, changes };
}

type Join = Pick<StoryboardScene, 'transitionIn' | 'transitionSec'>;

/**
 * The joins a tone would cut the storyboard with. Continued shots stay continuous and the opening
 * stays a cut. Joins that already follow the tone (say an energetic ad's one wipe) are kept, so
 * asking for the tone a storyboard already has moves nothing; otherwise the tone chooses every
 * beat change, the close counting as the end card. Blends take the tone's length, fitted to both scenes.
 */
function retoneTransitions(scenes: readonly StoryboardScene[], style: TransitionStyle, seed: number): Join[] {
  const last = scenes.length - 1;
  const free = scenes.flatMap((s, i) => (i > 0 && s.transitionIn !== 'continuous' ? [i] : []));
  const changes = free.map((i) => ({ beat: i === last ? 'end-card' : scenes[i].beat }));
  const current = free.map((i) => scenes[i].transitionIn);
  const chosen = followsStyle(style, changes, current) ? current : chooseBeatTransitions(style, changes, seed);
  return scenes.map((scene, i) => {
    const k = free.indexOf(i);
    if (k < 0) return { transitionIn: scene.transitionIn, transitionSec: scene.transitionSec };
    const transitionIn = chosen[k];
    return {
      transitionIn,
      transitionSec: isBlended(transitionIn)
        ? blendSecFor(style, scenes[i - 1].durationSec, scene.durationSec)
        : undefined,
    };
  });
}

function describeJoin(join: Join): string {
  return isBlended(join.transitionIn) ? `${join.transitionIn} ${transitionSecOf(join)} s` : join.transitionIn;
}

/**
 * A voiceover that says the old call to action says the new one instead (addresses left to the
 * screen, as the planner does), within the end card's scene; one that cannot is dropped rather
 * than left saying what the screen no longer shows. Lines that never said it are not touched.
 */
function respeakCallToAction(
  sb: Storyboard,
  brief: Brief | undefined,
  text: string,
): { scenes: StoryboardScene[]; changes: string[] } {
  const at = sb.scenes.length - 1;
  const scene = sb.scenes[at];
  const before = withoutAddresses(sb.endCard.callToAction);
  if (!scene.narration || !before || !scene.narration.includes(before)) return { scenes: sb.scenes, changes: [] };
  const after = withoutAddresses(text);
  const compliance = complianceItems(brief);
  const line = [squash(scene.narration.replace(before, () => after)), after, sentencesOf(after)[0] ?? '']
    .filter(Boolean)
    .find((l) => fitsScene(l, scene.durationSec) && !mentionsAny(l, compliance));
  if (line === scene.narration) return { scenes: sb.scenes, changes: [] };
  const next: StoryboardScene = { ...scene };
  if (line) next.narration = line;
  else delete next.narration;
  return {
    scenes: replaceAt(sb.scenes, at, next),
    changes: [
      line
        ? `scene ${at + 1}: narration ${quote(scene.narration)} → ${quote(line)}`
        : `scene ${at + 1}: narration dropped: the new call to action is too long to say in ${scene.durationSec} s`,
    ],
  };
}

function swapScenes(sb: Storyboard, a: number, b: number): { storyboard: Storyboard; changes: string[] } {
  if (a === b) throw rejectEdit(`swapping needs two different scenes, not scene ${a + 1} twice`);
  const order = sb.scenes.map((_, i) => (i === a ? b : i === b ? a : i));
  const changes = [`scenes ${Math.min(a, b) + 1} and ${Math.max(a, b) + 1} swapped`];
  const scenes = order.map((from, i) => {
    const scene = sb.scenes[from];
    let transitionIn = scene.transitionIn;
    if (i === 0 && transitionIn !== 'cut') transitionIn = 'cut';
    // A continued shot whose first part moved away now follows a different shot: it starts its own.
    else if (transitionIn === 'continuous' && order[i - 1] !== from - 1) transitionIn = 'cut';
    if (transitionIn !== scene.transitionIn) {
      const why = i === 0 ? 'it now opens the ad' : 'the shot it continued no longer comes before it';
      const was = from === i ? '' : ` (was ${from + 1})`;
      changes.push(`scene ${i + 1}${was}: transition ${scene.transitionIn} → ${transitionIn} (${why})`);
    }
    return { ...scene, index: i, transitionIn };
  });
  // Blends now meet different neighbours; narration travels with its scene, whose length it fits.
  const fitted = fitSceneTiming(scenes);
  return { storyboard: { ...sb, scenes: fitted.scenes }, changes: [...changes, ...fitted.changes] };
}

/** The end card is overlaid on the last scene, so it can run no longer than that scene. */
function fitEndCard(sb: Storyboard): { storyboard: Storyboard; changes: string[] } {
  const last = sb.scenes[sb.scenes.length - 1];
  if (sb.endCard.durationSec <= last.durationSec) return { storyboard: sb, changes: [] };
  return {
    storyboard: { ...sb, endCard: { ...sb.endCard, durationSec: last.durationSec } },
    changes: [`end card: ${sb.endCard.durationSec} s → ${last.durationSec} s to fit the last scene`],
  };
}

function resolve(ref: SceneRef, count: number): number {
  const n = ref === 'last' ? count : ref;
  if (!Number.isInteger(n) || n < 1 || n > count)
    throw rejectEdit(`there is no scene ${n}: the storyboard has ${count}`);
  return n - 1;
}

function replaceAt<T>(items: readonly T[], i: number, item: T): T[] {
  return items.map((x, j) => (j === i ? item : x));
}

/** 0-based indexes as a person reads them: 'scene 2', 'scenes 1-3, 5'. */
function sceneList(indexes: readonly number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b).map((i) => i + 1);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    runs.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return `${sorted.length > 1 ? 'scenes' : 'scene'} ${runs.join(', ')}`;
}
