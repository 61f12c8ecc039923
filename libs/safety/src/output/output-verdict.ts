/** How a classifier's per-frame probabilities become one decision about a clip. */
export interface SafetyRule {
  /** The classifier's labels, in output column order. */
  labels: readonly string[];
  /** Labels that block the clip when a frame scores at least `threshold` on them. */
  blockLabels: readonly string[];
  threshold: number;
  /**
   * When set, a label blocks only when more than `frames` frames reach the threshold on it within
   * some `windowSec` (a rate, as the flashing rule counts); without it one frame is enough.
   */
  burst?: { frames: number; windowSec: number };
}

export interface OutputVerdict {
  blocked: boolean;
  /** The block label behind the decision; when allowed, the one that came closest. */
  label?: string;
  /** That label's highest probability (within the offending window when a burst blocked). */
  score: number;
  /** When it happened: the highest-scoring frame, or the start of the offending window. */
  atSec?: number;
  /** Frames the classifier saw. */
  frames: number;
}

/** Rejects a rule that could never work, at boot rather than on the first clip. */
export function assertSafetyRule(rule: SafetyRule): void {
  if (!rule.labels.length) throw new RangeError('a safety classifier needs labels');
  if (!rule.blockLabels.length) throw new RangeError('a safety rule needs at least one block label');
  const unknown = rule.blockLabels.filter((label) => !rule.labels.includes(label));
  if (unknown.length) throw new RangeError(`block labels not among the labels: ${unknown.join(', ')}`);
  if (!(rule.threshold > 0 && rule.threshold <= 1))
    throw new RangeError(`threshold must be in (0,1]: ${rule.threshold}`);
  if (rule.burst && !(rule.burst.frames >= 0 && rule.burst.windowSec > 0)) {
    throw new RangeError(`not a burst rule: ${JSON.stringify(rule.burst)}`);
  }
}

// Frame times are computed as i / fps; a window end that lands on a frame time must not count it twice.
const TIME_EPSILON = 1e-6;

/** The offending window's start and peak, or null: more than `frames` hits within `windowSec`. */
function findBurst(
  hits: readonly number[],
  timesSec: readonly number[],
  scores: (frame: number) => number,
  burst: { frames: number; windowSec: number },
): { atSec: number; score: number } | null {
  let end = 0;
  for (let start = 0; start < hits.length; start++) {
    const limit = timesSec[hits[start]] + burst.windowSec - TIME_EPSILON;
    end = Math.max(end, start);
    while (end + 1 < hits.length && timesSec[hits[end + 1]] < limit) end++;
    if (end - start + 1 > burst.frames) {
      const score = Math.max(...hits.slice(start, end + 1).map(scores));
      return { atSec: timesSec[hits[start]], score };
    }
  }
  return null;
}

/**
 * Decides on a clip from `probabilities` ([frames x labels], row-major) and each frame's time.
 * Block labels are tried in the rule's order; the first that blocks is reported.
 */
export function decideSafety(
  probabilities: Float32Array,
  timesSec: readonly number[],
  rule: SafetyRule,
): OutputVerdict {
  const columns = rule.labels.length;
  const frames = timesSec.length;
  if (probabilities.length !== frames * columns) {
    throw new RangeError(`expected ${frames}x${columns} probabilities, got ${probabilities.length} values`);
  }
  let closest: OutputVerdict = { blocked: false, score: 0, frames };
  for (const label of rule.blockLabels) {
    const column = rule.labels.indexOf(label);
    const score = (frame: number) => probabilities[frame * columns + column];
    const hits: number[] = [];
    let peak = -1;
    for (let frame = 0; frame < frames; frame++) {
      if (score(frame) >= rule.threshold) hits.push(frame);
      if (peak < 0 || score(frame) > score(peak)) peak = frame;
    }
    if (rule.burst) {
      const burst = findBurst(hits, timesSec, score, rule.burst);
      if (burst) return { blocked: true, label, ...burst, frames };
    } else if (hits.length) {
      const top = hits.reduce((best, frame) => (score(frame) > score(best) ? frame : best));
      return { blocked: true, label, score: score(top), atSec: timesSec[top], frames };
    }
    if (peak >= 0 && (closest.label === undefined || score(peak) > closest.score)) {
      closest = { blocked: false, label, score: score(peak), atSec: timesSec[peak], frames };
    }
  }
  return closest;
}
