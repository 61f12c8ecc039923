import { type CameraMove } from '@app/domain';
import { AD_BEATS, type AdBeat } from '../ad-beat';
import { fitText } from '../text';
import { classifyTone, TONE_PROFILES, type ToneKind } from '../tone.profile';
import { type ToneTarget } from './prompt-edit';

const LIVELY: readonly ToneKind[] = ['energetic', 'playful'];
const GENTLE: readonly ToneKind[] = ['calm', 'hopeful', 'elegant'];

/**
 * The tone text moved to `target`: the target word leads (so classifyTone reads it first), and the
 * person's other words stay unless they pull the other way ('calm, hopeful' → 'energetic, hopeful').
 */
export function shiftTone(current: string | undefined, target: ToneTarget): string {
  const clashes = (kind: ToneKind) =>
    kind === target || (GENTLE.includes(target) ? LIVELY.includes(kind) : kind === 'calm' || kind === 'elegant');
  const kept = (current ?? '')
    .split(/\s*,\s*|\s+and\s+/)
    .map((w) => w.trim())
    .filter((w) => w && !clashes(classifyTone(w)));
  return fitText([target, ...kept].join(', '), 120);
}

/** Moves that suit the tone for a beat; a beat the template does not know may use any of the tone's moves. */
export function movesFor(target: ToneTarget, beat: string): readonly CameraMove[] {
  const moves = TONE_PROFILES[target].moves;
  if ((AD_BEATS as readonly string[]).includes(beat)) return moves[beat as AdBeat];
  return [...new Set(AD_BEATS.flatMap((b) => moves[b]))];
}
