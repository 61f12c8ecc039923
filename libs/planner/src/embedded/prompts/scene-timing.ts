import {
  isBlended,
  MAX_SCENE_SEC,
  MIN_SCENE_SEC,
  splitDuration,
  transitionSecOf,
  type StoryboardScene,
} from '@app/domain';
import { maxBlendSec } from '../scene-transition.builder';
import { trimToScene } from '../spoken-line';
import { fitText } from '../text';
import { rejectEdit } from './edit-rejection';

const MAX_PROMPT_CHARS = 1500;

export interface Timed {
  scenes: StoryboardScene[];
  changes: string[];
}

interface Slot {
  scene: StoryboardScene;
  weight: number;
  /** The scene's number as the person last saw it, for the change list. */
  label: string;
}

/**
 * Scenes re-timed to `totalSec`, proportionally, summing exactly. The scene count stays when
 * MIN_SCENE_SEC..MAX_SCENE_SEC allows it; otherwise continued parts merge first (they lose least),
 * or the longest shot gains a continuous follow-on.
 */
export function retimeScenes(scenes: readonly StoryboardScene[], totalSec: number): Timed {
  const slots: Slot[] = scenes.map((scene, i) => ({ scene, weight: scene.durationSec, label: String(i + 1) }));
  const changes: string[] = [];

  while (slots.length * MIN_SCENE_SEC > totalSec) {
    let victim = slots.findLastIndex((s, i) => i > 0 && s.scene.transitionIn === 'continuous');
    if (victim > 0) {
      changes.push(`scene ${slots[victim].label} merged into scene ${slots[victim - 1].label} to fit ${totalSec} s`);
      // One shot now, so one line: what both parts said, trimmed to the merged length below.
      const said = [slots[victim - 1].scene.narration, slots[victim].scene.narration].filter(Boolean).join(' ');
      if (said) slots[victim - 1] = { ...slots[victim - 1], scene: { ...slots[victim - 1].scene, narration: said } };
    } else {
      // No continued part is left (so nothing continues the victim): drop the least needed scene
      // between the opening and the close, as the planner drops beats from a short ad.
      victim = 1;
      for (let i = 2; i < slots.length - 1; i++) {
        const [a, b] = [keepRank(slots[i].scene), keepRank(slots[victim].scene)];
        if (a < b || (a === b && slots[i].weight <= slots[victim].weight)) victim = i;
      }
      changes.push(`scene ${slots[victim].label} dropped to fit ${totalSec} s`);
    }
    slots[victim - 1].weight += slots[victim].weight;
    slots.splice(victim, 1);
  }

  while (slots.length * MAX_SCENE_SEC < totalSec) {
    let longest = 0;
    slots.forEach((s, i) => {
      if (s.weight > slots[longest].weight) longest = i;
    });
    const slot = slots[longest];
    slot.weight /= 2;
    slots.splice(longest + 1, 0, { scene: continuation(slot.scene), weight: slot.weight, label: `${slot.label}+` });
    changes.push(`scene ${slot.label} continues in a new follow-on shot to fill ${totalSec} s`);
  }

  const seconds = splitDuration(
    totalSec,
    slots.map((s) => s.weight),
    MIN_SCENE_SEC,
    MAX_SCENE_SEC,
  );
  const before = scenes.map((s) => s.durationSec).join('+');
  const after = seconds.join('+');
  if (before !== after) changes.push(`scene lengths: ${before} s → ${after} s`);
  const fitted = fitSceneTiming(
    slots.map((s, i) => ({
      ...s.scene,
      index: i,
      durationSec: seconds[i],
      transitionIn: i === 0 ? 'cut' : s.scene.transitionIn,
    })),
  );
  return { scenes: fitted.scenes, changes: [...changes, ...fitted.changes] };
}

/**
 * Keeps what hangs on a scene's length true once lengths or neighbours change: a blend only on a
 * blended join and no longer than a third of either scene, and narration sayable within its scene
 * (trimmed to whole sentences or a clause, or dropped). Scenes are numbered as they now stand.
 */
export function fitSceneTiming(scenes: readonly StoryboardScene[]): Timed {
  const changes: string[] = [];
  const fitted = scenes.map((scene, i) => {
    let next = scene;
    if (!isBlended(scene.transitionIn) || i === 0) {
      if (scene.transitionSec !== undefined) next = without(next, 'transitionSec');
    } else if (scene.transitionSec !== undefined) {
      const max = maxBlendSec(scenes[i - 1].durationSec, scene.durationSec);
      if (scene.transitionSec > max) {
        next = { ...next, transitionSec: max };
        changes.push(
          `scene ${i + 1}: ${scene.transitionIn} ${transitionSecOf(scene)} s → ${max} s to fit its neighbours`,
        );
      }
    }
    if (scene.narration) {
      const line = trimToScene(scene.narration, scene.durationSec);
      if (line === null) {
        next = without(next, 'narration');
        changes.push(`scene ${i + 1}: narration dropped: too long to say in ${scene.durationSec} s`);
      } else if (line !== scene.narration) {
        next = { ...next, narration: line };
        changes.push(`scene ${i + 1}: narration trimmed to '${line}' to fit ${scene.durationSec} s`);
      }
    }
    return next;
  });
  return { scenes: fitted, changes };
}

function without(scene: StoryboardScene, key: 'transitionSec' | 'narration'): StoryboardScene {
  const copy = { ...scene };
  delete copy[key];
  return copy;
}

// The story survives without its problem beat sooner than without its product.
const KEEP_RANK: Record<string, number> = { problem: 0, benefit: 1, product: 3, hook: 4, 'end-card': 4 };
const keepRank = (scene: StoryboardScene) => KEEP_RANK[scene.beat] ?? 2;

/**
 * Removes scene `at` (0-based) and gives its seconds to the scene before it (the one after, for the
 * first), spilling to the next nearest scenes when a neighbour would pass MAX_SCENE_SEC.
 */
export function removeScene(scenes: readonly StoryboardScene[], at: number, labels: readonly string[]): Timed {
  if (scenes.length < 2) throw rejectEdit('a storyboard keeps at least one scene');
  const total = scenes.reduce((sum, s) => sum + s.durationSec, 0);
  if (total > (scenes.length - 1) * MAX_SCENE_SEC) {
    throw rejectEdit(`the other ${scenes.length - 1} scenes cannot hold ${total} s at ${MAX_SCENE_SEC} s each`);
  }
  const next = [...scenes];
  const [removed] = next.splice(at, 1);
  const changes: string[] = [];
  const movedTransition = inheritedTransition(removed, next[at]);
  if (movedTransition) {
    next[at] = { ...next[at], transitionIn: movedTransition };
    if (removed.transitionSec !== undefined) next[at].transitionSec = removed.transitionSec;
  }

  let left = removed.durationSec;
  const given: string[] = [];
  // Nearest first, the scene before ahead of the one after: the removed time stays where it was in the story.
  const order = [at - 1, at, at - 2, at + 1, at - 3, at + 2].concat(next.map((_, i) => i));
  for (const i of order) {
    if (left === 0) break;
    if (i < 0 || i >= next.length) continue;
    const add = Math.min(left, MAX_SCENE_SEC - next[i].durationSec);
    if (add <= 0) continue;
    next[i] = { ...next[i], durationSec: next[i].durationSec + add };
    left -= add;
    given.push(`scene ${labels[i >= at ? i + 1 : i]}${add === removed.durationSec ? '' : ` (+${add} s)`}`);
  }
  const to = given.length > 1 ? `${given.slice(0, -1).join(', ')} and ${given[given.length - 1]}` : given[0];
  changes.push(`scene ${labels[at]} removed; its ${removed.durationSec} s went to ${to}`);
  if (movedTransition) {
    changes.push(`scene ${labels[at + 1]}: transition continuous → ${movedTransition} (the shot it continued is gone)`);
  }
  if (next[0].transitionIn !== 'cut') {
    changes.push(`scene ${labels[at === 0 ? 1 : 0]}: transition ${next[0].transitionIn} → cut (it now opens the ad)`);
    next[0] = { ...next[0], transitionIn: 'cut' };
  }
  const fitted = fitSceneTiming(next.map((s, i) => ({ ...s, index: i })));
  return { scenes: fitted.scenes, changes: [...changes, ...fitted.changes] };
}

/**
 * When a scene goes, the scene that continued its shot has nothing to continue: it takes the gone
 * scene's own way in instead. Returns that transition, or null when nothing changes.
 */
function inheritedTransition(
  removed: StoryboardScene,
  after: StoryboardScene | undefined,
): StoryboardScene['transitionIn'] | null {
  if (!after || after.transitionIn !== 'continuous' || removed.transitionIn === 'continuous') return null;
  return removed.transitionIn;
}

function continuation(scene: StoryboardScene): StoryboardScene {
  const body = scene.visualPrompt.replace(/^[^:.]{1,60}:\s*/, '');
  // A continued shot joins without a blend and says nothing new: the shot it continues has the line.
  return {
    ...without(without(scene, 'transitionSec'), 'narration'),
    transitionIn: 'continuous',
    onScreenText: '',
    visualPrompt: fitText(`The same unbroken shot continues: ${body}`, MAX_PROMPT_CHARS),
  };
}
