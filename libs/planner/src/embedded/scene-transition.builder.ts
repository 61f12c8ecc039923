import { type TransitionIn } from '@app/domain';
import { stableHash } from './text';
import { type TransitionStyle } from './tone.profile';

/**
 * Blend lengths are whole eighths of a second: three frames at the 24 fps every clip is normalised
 * to, so the composer's overlaps land on frame boundaries.
 */
const BLEND_STEP_SEC = 0.125;

/** A beat change a tone may choose the transition for: the beat it enters ('end-card' for the close). */
export interface BeatChange {
  beat: string;
}

/**
 * The tone's transition into each beat change, in order. Deterministic for a style, the changes and
 * the seed; the seed moves accents between changes but never changes which transitions a tone uses.
 */
export function chooseBeatTransitions(
  style: TransitionStyle,
  changes: readonly BeatChange[],
  seed: number,
): TransitionIn[] {
  const accented = accentedChanges(style, changes.length, seed);
  let previousAccent: TransitionIn | null = null;
  return changes.map((change, i) => {
    if (style.accents && accented.has(i)) {
      const { moves } = style.accents;
      let move = moves[stableHash(seed, 'accent-move', i) % moves.length];
      // Playful edits read as deliberate when the same move does not come twice in a row.
      if (move === previousAccent && moves.length > 1) move = moves[(moves.indexOf(move) + 1) % moves.length];
      previousAccent = move;
      return move;
    }
    return plainJoin(style, change.beat);
  });
}

/**
 * Whether these joins are ones the style could have chosen for these beat changes, whatever the
 * seed: so a storyboard already cut in a tone can be recognised and left alone.
 */
export function followsStyle(
  style: TransitionStyle,
  changes: readonly BeatChange[],
  joins: readonly TransitionIn[],
): boolean {
  const moves = style.accents?.moves ?? [];
  const accented = joins.filter((join) => moves.includes(join)).length;
  if (style.accents?.at === 'all') return accented === joins.length;
  if (style.accents && joins.length > 0 && (accented < 1 || accented > 2)) return false;
  return joins.every((join, k) => moves.includes(join) || join === plainJoin(style, changes[k].beat));
}

function plainJoin(style: TransitionStyle, beat: string): TransitionIn {
  return style.into[beat as keyof TransitionStyle['into']] ?? style.beat;
}

function accentedChanges(style: TransitionStyle, count: number, seed: number): Set<number> {
  if (!style.accents || count === 0) return new Set();
  const all = Array.from({ length: count }, (_, i) => i);
  if (style.accents.at === 'all') return new Set(all);
  // One accent in a short ad, two once there are enough changes for them not to dominate.
  const wanted = count >= 3 ? 2 : 1;
  const bySeed = [...all].sort((a, b) => stableHash(seed, 'accent', a) - stableHash(seed, 'accent', b) || a - b);
  return new Set(bySeed.slice(0, wanted));
}

/** The longest blend two neighbouring scenes can share: a third of the shorter, so neither is mostly blend. */
export function maxBlendSec(beforeSec: number, afterSec: number): number {
  return Math.floor(Math.min(beforeSec, afterSec) / 3 / BLEND_STEP_SEC) * BLEND_STEP_SEC;
}

/** The style's blend length, shortened to fit the scenes on either side. */
export function blendSecFor(style: TransitionStyle, beforeSec: number, afterSec: number): number {
  return Math.min(style.blendSec, maxBlendSec(beforeSec, afterSec));
}
