import { isDeepStrictEqual } from 'node:util';
import { AppError, Errors } from '@app/domain';
import { rejectEdit } from './edit-rejection';
import { type PromptEdit } from './prompt-edit';
import { type PromptTarget, type Variation } from '../../prompt-toolkit.port';
import { applyEdits } from './prompt-target.editor';

const MAX_VARIATIONS = 5;
const MAX_SEED = 2 ** 31 - 1;

interface Candidate {
  label: string;
  edits: PromptEdit[];
}

// Alternating tone and look, so the first few already differ in more than one way.
const STORYBOARD_CANDIDATES: readonly Candidate[] = [
  { label: 'energetic cut', edits: [{ kind: 'tone', tone: 'energetic' }] },
  { label: 'warm crossfades', edits: [{ kind: 'tone', tone: 'hopeful' }] },
  { label: 'night palette', edits: [{ kind: 'look', look: 'night', scenes: 'all' }] },
  { label: 'golden hour', edits: [{ kind: 'look', look: 'sunset', scenes: 'all' }] },
  { label: 'playful slides', edits: [{ kind: 'tone', tone: 'playful' }] },
  { label: 'calm and slow', edits: [{ kind: 'tone', tone: 'calm' }] },
  { label: 'rainy mood', edits: [{ kind: 'look', look: 'rain', scenes: 'all' }] },
  { label: 'elegant glide', edits: [{ kind: 'tone', tone: 'elegant' }] },
  { label: 'bright daylight', edits: [{ kind: 'look', look: 'day', scenes: 'all' }] },
];

const BRIEF_TONES: readonly Candidate[] = [
  { label: 'energetic cut', edits: [{ kind: 'tone', tone: 'energetic' }] },
  { label: 'warm crossfades', edits: [{ kind: 'tone', tone: 'hopeful' }] },
  { label: 'playful slides', edits: [{ kind: 'tone', tone: 'playful' }] },
  { label: 'calm and slow', edits: [{ kind: 'tone', tone: 'calm' }] },
  { label: 'elegant glide', edits: [{ kind: 'tone', tone: 'elegant' }] },
];

/**
 * `n` alternatives, each a different, valid edit of the target. Length, format, call to action and
 * compliance never vary: they are the brief's to set. Deterministic: the same target gives the same list.
 */
export function buildVariations(target: PromptTarget, n: number): Variation[] {
  if (!Number.isInteger(n) || n < 1 || n > MAX_VARIATIONS) {
    throw rejectEdit(`ask for 1-${MAX_VARIATIONS} variations, not ${n}`);
  }
  const candidates = target.kind === 'brief' ? [...BRIEF_TONES, ...reseeds(target.brief.seed)] : STORYBOARD_CANDIDATES;
  const original = { brief: target.brief, storyboard: target.kind === 'storyboard' ? target.storyboard : undefined };
  const seen = [original];
  const items: Variation[] = [];
  for (const { label, edits } of candidates) {
    if (items.length === n) break;
    const result = applyable(target, edits);
    if (!result) continue;
    const candidate = { brief: result.brief, storyboard: result.storyboard };
    if (!result.changes.length || seen.some((s) => isDeepStrictEqual(s, candidate))) continue;
    seen.push(candidate);
    items.push({
      label,
      ...(result.brief ? { brief: result.brief } : {}),
      ...(result.storyboard ? { storyboard: result.storyboard } : {}),
    });
  }
  return items;
}

/** The edits applied, or null when they cannot apply to this target (they would break its major statement). */
function applyable(target: PromptTarget, edits: PromptEdit[]) {
  try {
    return applyEdits(target, edits);
  } catch (error) {
    if (AppError.is(error, Errors.requestInvalid)) return null;
    throw error;
  }
}

/** A new seed re-picks the planner's camera moves and palettes without touching the brief's words. */
function reseeds(seed: number): Candidate[] {
  return [1, 2].map((k) => ({
    label: k === 1 ? 'fresh camera and colour' : 'another camera and colour',
    edits: [{ kind: 'seed', seed: (seed + k) % (MAX_SEED + 1) }],
  }));
}
