import { type CameraMove } from '@app/domain';
import { MOVE_WORDS } from '../visual-prompt.builder';
import { fitText } from '../text';
import { TONE_PROFILES } from '../tone.profile';

const MAX_PROMPT_CHARS = 1500;

// The planner's wording for frames and moves: an edited prompt reads like a planned one.
export { FRAMING, MOVE_WORDS } from '../visual-prompt.builder';

export type PromptLabel = 'Mood' | 'Lighting' | 'Camera' | 'Style' | 'Framing';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const lineOf = (label: PromptLabel) => new RegExp(`(^|[.!?]\\s+)${label}: ([^.]*)\\.`);

/** The value of a 'Label: value.' line of a prompt, or null when the prompt has none. */
export function promptLine(prompt: string, label: PromptLabel): string | null {
  return lineOf(label).exec(prompt)?.[2] ?? null;
}

/**
 * Sets a 'Label: value.' line: replaced where the prompt has one, else added before the closing
 * no-text instruction, which must stay last so the video model reads it.
 */
export function withPromptLine(prompt: string, label: PromptLabel, value: string): string {
  const clean = value.replace(/\./g, '').trim();
  const pattern = lineOf(label);
  if (pattern.test(prompt))
    return fitText(
      prompt.replace(pattern, (_all, lead: string) => `${lead}${label}: ${clean}.`),
      MAX_PROMPT_CHARS,
    );
  const line = `${label}: ${clean}.`;
  const closing = prompt.search(/\bNo captions\b/);
  const next =
    closing >= 0
      ? `${prompt.slice(0, closing)}${line} ${prompt.slice(closing)}`
      : `${prompt.replace(/\s*$/, '')} ${line}`;
  return fitText(next, MAX_PROMPT_CHARS);
}

const PACES = [...new Set(Object.values(TONE_PROFILES).map((t) => t.pace))].sort((a, b) => b.length - a.length);
const MOVES = Object.values(MOVE_WORDS).sort((a, b) => b.length - a.length);
const CAMERA = new RegExp(
  `(^|[.!?]\\s+)Camera: (?:(${PACES.map(escape).join('|')}) )?(${MOVES.map(escape).join('|')})(?=[,.])`,
);

/**
 * Rewrites the camera phrase of a planner-written 'Camera:' line, keeping its lens. A prompt written
 * some other way is left alone: rewriting free text could say something the person never meant.
 */
export function withCamera(prompt: string, move: CameraMove, pace?: string): string {
  const m = CAMERA.exec(prompt);
  if (!m) return prompt;
  const keptPace = pace ?? m[2] ?? TONE_PROFILES.neutral.pace;
  const phrase = move === 'static' ? MOVE_WORDS.static : `${keptPace} ${MOVE_WORDS[move]}`;
  return fitText(
    prompt.replace(CAMERA, (_all, lead: string) => `${lead}Camera: ${phrase}`),
    MAX_PROMPT_CHARS,
  );
}
