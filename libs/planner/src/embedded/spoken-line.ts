import { type Brief } from '@app/domain';
import { squash } from './text';

/** The storyboard schema's limit on a scene's narration. */
export const MAX_NARRATION_CHARS = 300;
/** Shorter than this, a trimmed line says nothing a listener can use. */
const MIN_TRIMMED_WORDS = 2;

/**
 * The most words a voice can say over a scene: about 2.3 a second, rounded down, so a line never
 * runs into the next scene. Whole seconds in, so the sum stays exact (2.3 * 3 is 6.8999... in floats).
 */
export function maxSpokenWords(durationSec: number): number {
  return Math.floor((durationSec * 23) / 10);
}

/**
 * How many words a line takes to say, erring long: every written word counts, hyphenated and
 * slashed parts count apart ('24-hour' is said 'twenty-four hour'), each digit counts as a word
 * (numbers say longer than they read) and a run of letters counts once per sixteen, so a
 * made-up 120-letter name is not one word.
 */
export function spokenWordCount(text: string): number {
  return squash(text)
    .split(' ')
    .filter(Boolean)
    .reduce((sum, token) => {
      const said = token
        .split(/[-–—/]+/)
        .filter(Boolean)
        .reduce((parts, part) => {
          const digits = (part.match(/\p{N}/gu) ?? []).length;
          const letters = (part.match(/\p{L}/gu) ?? []).length;
          return parts + Math.max(1, digits + Math.ceil(letters / 16));
        }, 0);
      return sum + Math.max(1, said);
    }, 0);
}

/** Whether a line can be said within a scene of this length (and fits the schema). */
export function fitsScene(line: string, durationSec: number): boolean {
  return line.length <= MAX_NARRATION_CHARS && spokenWordCount(line) <= maxSpokenWords(durationSec);
}

// A web or mail address, with a 'visit'/'at' that only introduced it. A voice reading one out
// letter by letter wastes the line; the address is on the end card for the eye.
const ADDRESS =
  /(?:(?:\s(?:or|and))?\s*\b(?:visit|see|go\s+to|head\s+to|find\s+us)\s+(?:us\s+)?(?:at|on)?\s*|\s(?:at|on|via)\s+)?(?:https?:\/\/\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b(?:\/\S*)?)/gi;

/** Whether a line would make the voice read out an address. */
export function hasAddress(text: string): boolean {
  return new RegExp(ADDRESS.source, 'i').test(text);
}

/** The line with web and mail addresses taken out, and any sentence they leave empty dropped. */
export function withoutAddresses(text: string): string {
  const stripped = squash(text.replace(ADDRESS, ' '));
  return sentencesOf(stripped)
    .map((s) => s.replace(/\s+([.!?,;:…])/g, '$1').replace(/^[\s,;:.–—-]+/, ''))
    .filter((s) => /\p{L}/u.test(s))
    .map((s) => (/[.!?…]$/.test(s) ? s : `${s.replace(/[\s,;:–—-]+$/, '')}.`))
    .join(' ');
}

/** Sentences, each with its closing mark; a mark only ends one before a space ('10.5 mg' is one). */
export function sentencesOf(text: string): string[] {
  return squash(text)
    .split(/(?<=[.!?…])\s+/)
    .filter(Boolean);
}

/**
 * The line shortened to fit a scene the way a copywriter would: whole sentences from the start,
 * else the first sentence up to a clause break ('Introducing Clarivo: ...' → 'Introducing Clarivo.').
 * Null when nothing meaningful fits: a line cut mid-phrase is worse than silence.
 */
export function trimToScene(line: string, durationSec: number): string | null {
  if (fitsScene(line, durationSec)) return line;
  const sentences = sentencesOf(line);
  for (let n = sentences.length - 1; n >= 1; n--) {
    const shorter = sentences.slice(0, n).join(' ');
    if (fitsScene(shorter, durationSec)) return shorter;
  }
  const first = sentences[0] ?? '';
  const breaks = [...first.matchAll(/\s*[,;:–—]\s/g)].map((m) => m.index).reverse();
  for (const at of breaks) {
    const clause = `${first.slice(0, at).replace(/[\s,;:–—-]+$/, '')}.`;
    if (spokenWordCount(clause) >= MIN_TRIMMED_WORDS && fitsScene(clause, durationSec)) return clause;
  }
  return null;
}

/** What a voiceover must never say: the compliance text is shown on screen, verbatim, and only there. */
export function complianceItems(brief: Brief | undefined): string[] {
  const c = brief?.compliance;
  return [...(c?.sideEffects ?? []), c?.dosage, c?.disclaimer].filter((item): item is string => !!item);
}

/** Whether the text contains any of the phrases as whole words, ignoring case. */
export function mentionsAny(text: string, phrases: ReadonlyArray<string | undefined>): boolean {
  const lower = squash(text).toLowerCase();
  return phrases.some((phrase) => {
    const p = phrase ? squash(phrase).toLowerCase() : '';
    if (!p) return false;
    for (let at = lower.indexOf(p); at >= 0; at = lower.indexOf(p, at + 1)) {
      const before = lower[at - 1] ?? ' ';
      const after = lower[at + p.length] ?? ' ';
      const edge = (c: string, inner: string) => !/[\p{L}\p{N}]/u.test(c) || !/[\p{L}\p{N}]/u.test(inner);
      if (edge(before, p[0]) && edge(after, p[p.length - 1])) return true;
    }
    return false;
  });
}
