import { type Brief } from '@app/domain';
import { type SceneSlot } from './beat-timeline.builder';
import { type BriefCues } from './brief-cues.parser';
import { complianceItems, fitsScene, hasAddress, mentionsAny, sentencesOf, withoutAddresses } from './spoken-line';
import { capitalise, squash } from './text';
import { type ToneKind } from './tone.profile';

export interface NarrationInput {
  slots: readonly SceneSlot[];
  brief: Brief;
  cues: BriefCues;
  tone: ToneKind;
  /** Ways the voice can say what is advertised, best first ('the Volt Runner sneaker', 'Volt Runner'); empty when unnamed. */
  productNames: readonly string[];
  /** The end card's call to action, as it appears on screen. */
  callToAction: string;
  /** The ad has no product beat, so the hook introduces the product. */
  hookShowsProduct: boolean;
}

// Lines in the ad's voice that claim nothing the brief did not: the copy a brief gives (name,
// description, tagline, call to action) is the only thing said about the product itself.
const HOOKS: Record<ToneKind, readonly string[]> = {
  calm: ['Imagine a calmer kind of day.', 'Take a breath.'],
  hopeful: ['Imagine a brighter day.', 'Picture this.'],
  elegant: ['Some moments deserve more.', 'Look closer.'],
  energetic: ['Ready for more?', 'Let’s go.'],
  playful: ['Ready for some fun?', 'Guess what?'],
  neutral: ['Looking for something new?', 'Take a look.'],
};
const BENEFITS: Record<ToneKind, readonly string[]> = {
  calm: ['Slow down and enjoy the moment.', 'Enjoy the moment.'],
  hopeful: ['Get back to the moments that matter.', 'Back to what matters.'],
  elegant: ['Made for the moments that matter.', 'Simply refined.'],
  energetic: ['Go further, go faster.', 'Go further.'],
  playful: ['Every day just got more fun.', 'More fun, every day.'],
  neutral: ['Made for moments like this.', 'Made for you.'],
};
const PROBLEM_OPENS = ['Sound familiar? We’ve all been there.', 'Sound familiar?'];
// The last part of a split problem beat turns the story toward the product.
const PROBLEM_TURNS = ['It doesn’t have to be this way.', 'There’s a better way.'];

/**
 * One voiceover line per scene, or null for silence: the hook asks or sets up, the problem lands,
 * the product is named with what it does, the benefit pays off, the end card says the call to
 * action. Every line fits its scene at a speaking pace (the best-fitting of several wordings),
 * never says compliance text (it is on screen, verbatim) and never reads out an address.
 * Continued parts of a split beat stay quiet unless they carry the line the story needs there.
 * A brief with its voiceover off gets no lines at all.
 */
export function buildNarration(input: NarrationInput): Array<string | null> {
  const { slots, brief } = input;
  if (!brief.voiceover.enabled) return slots.map(() => null);
  const compliance = complianceItems(brief);
  const lastBody = slots.length - 2;
  const lines: Array<string | null> = [];
  slots.forEach((slot, i) => {
    // What the first part of this beat said, so a continued part can finish the thought, not repeat it.
    const opened = slot.part > 0 ? lines[i - slot.part] : null;
    const line = linesFor(slot, i === lastBody, opened, input)
      .map((l) => squash(l))
      .find((l) => l.length > 0 && fitsScene(l, slot.durationSec) && !hasAddress(l) && !mentionsAny(l, compliance));
    lines.push(line ?? null);
  });
  return lines;
}

/** Wordings for a scene, best first; the first that fits is spoken. */
function linesFor(slot: SceneSlot, isLastBody: boolean, opened: string | null, input: NarrationInput): string[] {
  const tagline = input.cues.tagline;
  const lines = slot.part === 0 ? beatLines(slot, input) : continuedLines(slot, opened, input);
  // The last body scene shows the tagline, so the voice says it with the picture.
  if (isLastBody && tagline) return [...lines.map((line) => `${line} ${tagline}`), tagline, ...lines];
  return lines;
}

/**
 * A continued part mostly lets the picture play. The last part of a problem turns the story toward
 * the product, and a product shot too short to say what it does says it over its continuation.
 */
function continuedLines(slot: SceneSlot, opened: string | null, input: NarrationInput): string[] {
  if (slot.part !== slot.parts - 1) return [];
  if (slot.beat === 'problem') return PROBLEM_TURNS;
  if (slot.beat !== 'product' || !opened) return [];
  const [description, clause] = descriptions(input);
  if (!clause || opened.includes(clause)) return [];
  return [...new Set([description, clause])].map((what) => `${capitalise(what)}.`);
}

function beatLines(slot: SceneSlot, input: NarrationInput): string[] {
  const { tone } = input;
  switch (slot.beat) {
    case 'hook': {
      const openers = [troubleQuestion(input), ...HOOKS[tone]].filter((l): l is string => !!l);
      if (!input.hookShowsProduct) return openers;
      const meets = introductions(input, 'Meet');
      return [...openers.flatMap((o) => meets.map((m) => `${o} ${m}`)), ...meets, ...openers];
    }
    case 'problem':
      return PROBLEM_OPENS;
    case 'product':
      return introductions(input, 'Introducing');
    case 'benefit':
      return [...BENEFITS[tone]];
    case 'end-card':
      return callToActionLines(input);
  }
}

/** 'Is sneezing ruining your family picnic?' from a brief's 'a family picnic ruined by sneezing'. */
function troubleQuestion({ cues }: NarrationInput): string | null {
  const shot = cues.shots.find((s) => s.trouble);
  const trouble = shot?.trouble && unpunctuated(shot.trouble);
  if (!trouble) return null;
  const setting = shot.setting && unpunctuated(shot.setting).replace(/^(?:a|an|the)\s+/i, 'your ');
  return setting ? `Is ${trouble} ruining ${setting}?` : `Tired of ${trouble}?`;
}

/** The product named with what it does, longest first: description, its first clause, then the name alone. */
function introductions(input: NarrationInput, verb: 'Meet' | 'Introducing'): string[] {
  const { productNames } = input;
  if (!productNames.length) return verb === 'Introducing' ? ['Here’s something new.'] : [];
  const whats = [...new Set(descriptions(input))];
  return productNames.flatMap((name) => [
    ...whats.map((what) => `${verb} ${name}: ${what}.`),
    ...whats.map((what) => `${capitalise(name)}: ${what}.`),
    `${verb} ${name}.`,
  ]);
}

/** What the product does, in the brief's words: the whole description and its first clause (or nothing). */
function descriptions({ brief }: NarrationInput): string[] {
  const description = brief.product?.description ? lowerFirst(unpunctuated(brief.product.description)) : '';
  if (!description) return [];
  return [description, description.split(/\s*[,;:(–—]\s*/)[0] || description];
}

/**
 * The call to action as it is said: addresses left to the screen ('Run brighter. voltrunner.example'
 * is said 'Run brighter.'), led by the name when the line does not already say it.
 */
function callToActionLines({ callToAction, productNames }: NarrationInput): string[] {
  const said = withoutAddresses(callToAction);
  if (!said) return [];
  const alreadyNamed = mentionsAny(said, [...productNames, ...productNames.map(stripLeadingDeterminer)]);
  // A sign-off names the brand plainly: 'Volt Runner. Run brighter.', not 'The Volt Runner sneaker. ...'.
  const named = alreadyNamed ? [] : [...productNames].reverse().map((name) => `${capitalise(name)}. ${said}`);
  const sentences = sentencesOf(said);
  return [...named, said, ...(sentences.length > 1 ? [sentences[0]] : [])];
}

function unpunctuated(text: string): string {
  return squash(text).replace(/[\s.!?;:,…–—-]+$/, '');
}

function stripLeadingDeterminer(text: string): string {
  return text.replace(/^(?:a|an|the|our)\s+/i, '');
}

/** 'A serum that ...' reads as 'a serum that ...' mid-sentence; names and 'UV shield' keep their capitals. */
function lowerFirst(text: string): string {
  return /^(?:A|An|The|Our|Your|This|Every|One)\b/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}
