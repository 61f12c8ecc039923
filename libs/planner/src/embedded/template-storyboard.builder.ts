import {
  complianceText,
  type Brief,
  type CameraMove,
  majorStatementSec,
  STATEMENT_BODY_MIN_SEC,
  type Storyboard,
  type StoryboardScene,
  withMajorStatement,
} from '@app/domain';
import { buildBeatTimeline, type SceneSlot } from './beat-timeline.builder';
import { readBriefCues, type BriefCues } from './brief-cues.parser';
import { buildNarration } from './narration.builder';
import { buildPalette } from './palette.builder';
import { capitalise, fitText, pick, squash, stripArticle } from './text';
import { TONE_PROFILES, type ToneProfile } from './tone.profile';
import { buildVisualPrompt, lightingFor, type PromptContext } from './visual-prompt.builder';

const DEFAULT_CALL_TO_ACTION = 'Learn more.';
const MAX_ON_SCREEN_CHARS = 60;
const MAX_HEADLINE_CHARS = 120;
const MAX_END_CARD_SEC = 3;
const UNNAMED_PRODUCT = 'the product';

/**
 * The template storyboard for a brief: deterministic for a brief and its seed, no I/O. Timing,
 * format, music switch, call to action and compliance come from the brief's fields only; its free
 * text shapes what scenes show, never how long they are or what format they are in.
 */
export function buildTemplateStoryboard(brief: Brief): Storyboard {
  const cues = readBriefCues(brief);
  const tone = TONE_PROFILES[cues.tone];
  // The major statement's held scenes are reserved first; the story is told in what is left.
  const statementSec = majorStatementSec(brief);
  const reserve = brief.durationSec - statementSec >= STATEMENT_BODY_MIN_SEC ? statementSec : 0;
  const slots = buildBeatTimeline(brief.durationSec - reserve, cues, tone.transitions, brief.seed);
  const identity = identify(brief, cues);
  const { headline } = identity;
  const ctx: PromptContext = {
    brief,
    cues,
    tone,
    productPhrase: identity.productPhrase,
    productNamed: identity.productPhrase !== UNNAMED_PRODUCT,
    hookShowsProduct: !slots.some((s) => s.beat === 'product'),
    lighting: lightingFor(brief, tone),
  };
  const accentKey = brief.product?.name ?? brief.brand?.name ?? cues.subject ?? headline;
  // The end card is always the last slot, so the scene before it is where the story lands.
  const lastBodyIndex = slots.length - 2;
  const callToAction = brief.callToAction ?? DEFAULT_CALL_TO_ACTION;
  const narration = buildNarration({
    slots,
    brief,
    cues,
    tone: tone.kind,
    productNames: identity.spokenNames,
    callToAction,
    hookShowsProduct: ctx.hookShowsProduct,
  });

  const scenes: StoryboardScene[] = [];
  slots.forEach((slot, index) => {
    const cameraMove = cameraFor(slot, index, scenes.at(-1)?.cameraMove, tone, brief.seed);
    scenes.push({
      index,
      beat: slot.beat,
      durationSec: slot.durationSec,
      visualPrompt: buildVisualPrompt(slot, cameraMove, ctx),
      cameraMove,
      onScreenText: onScreenText(slot, index === lastBodyIndex, identity, brief, cues, ctx.hookShowsProduct),
      transitionIn: slot.transitionIn,
      ...(slot.transitionSec !== undefined ? { transitionSec: slot.transitionSec } : {}),
      ...(narration[index] ? { narration: narration[index] } : {}),
      palette: buildPalette({ brandColors: brief.brand?.colors, tone, accentKey, seed: brief.seed, beat: slot.beat }),
    });
  });

  const compliance = complianceText(brief);
  const storyboard: Storyboard = {
    title: fitText(
      cues.tagline ? `${headline} — ${cues.tagline}` : `${headline} — ${brief.durationSec}-second ad`,
      200,
    ),
    aspectRatio: brief.aspectRatio,
    durationSec: brief.durationSec,
    scenes,
    music: { mood: brief.music.mood ?? tone.musicMood, enabled: brief.music.enabled },
    endCard: {
      headline,
      callToAction,
      durationSec: Math.min(MAX_END_CARD_SEC, scenes[scenes.length - 1].durationSec),
    },
    compliance: compliance ? { text: compliance } : null,
  };
  return reserve ? withMajorStatement(storyboard, brief) : storyboard;
}

function cameraFor(
  slot: SceneSlot,
  index: number,
  previous: CameraMove | undefined,
  tone: ToneProfile,
  seed: number,
): CameraMove {
  // A continued shot keeps moving the way it was moving; a new direction would read as a cut.
  if (slot.part > 0 && previous) return previous;
  return slot.cues.find((c) => c.camera)?.camera ?? pick(tone.moves[slot.beat], seed, slot.beat, index);
}

function onScreenText(
  slot: SceneSlot,
  isLastBody: boolean,
  identity: Identity,
  brief: Brief,
  cues: BriefCues,
  hookShowsProduct: boolean,
): string {
  if (isLastBody && cues.tagline) return fitText(cues.tagline, MAX_ON_SCREEN_CHARS);
  if (slot.part > 0) return '';
  const description = brief.product?.description;
  switch (slot.beat) {
    case 'hook':
      return hookShowsProduct && identity.name ? fitText(identity.name, MAX_ON_SCREEN_CHARS) : '';
    case 'product':
      return identity.name ? fitText(identity.name, MAX_ON_SCREEN_CHARS) : '';
    case 'benefit':
      return description && description.length <= MAX_ON_SCREEN_CHARS ? description : '';
    default:
      // The problem plays without words, and the end card's text is overlaid by composition.
      return '';
  }
}

interface Identity {
  /** What the ad sells, when the brief names it: product, brand, or the subject of 'an ad for ...'. */
  name: string | null;
  headline: string;
  /** How prompts refer to it, e.g. 'the Volt Runner sneaker'. */
  productPhrase: string;
  /** How the voiceover can say it, best first: 'the Volt Runner sneaker', then 'Volt Runner'; empty when unnamed. */
  spokenNames: string[];
}

function identify(brief: Brief, cues: BriefCues): Identity {
  const subjectTitle = cues.subject
    ? fitText(capitalise(stripArticle(cues.subject.split(/[,;]/)[0].trim())), MAX_ON_SCREEN_CHARS)
    : '';
  const name = brief.product?.name ?? brief.brand?.name ?? (subjectTitle || null);
  // With nothing named, the brief's opening words are the best short title there is.
  const opening = (cues.shots.find((s) => s.text)?.text ?? squash(brief.brief)).split(/[,.;:!?]/)[0].trim();
  const headline = name
    ? fitText(name, MAX_HEADLINE_CHARS)
    : fitText(capitalise(stripArticle(opening)), MAX_ON_SCREEN_CHARS) || 'New ad';
  const product = brief.product?.name;
  const productPhrase =
    product && cues.subject?.toLowerCase().includes(product.toLowerCase())
      ? cues.subject
      : (product ?? cues.subject ?? brief.brand?.name ?? UNNAMED_PRODUCT);
  return { name, headline, productPhrase: fitText(productPhrase, 160), spokenNames: spokenNamesOf(brief, cues) };
}

/**
 * The brief's own phrase when it names the product in passing ('the Volt Runner sneaker'), then the
 * name; a subject the brief only describes ('a new water bottle') becomes the advertiser's own ('our').
 */
function spokenNamesOf(brief: Brief, cues: BriefCues): string[] {
  const subject = cues.subject?.split(/[,;:(–—]/)[0].trim() || null;
  const named = brief.product?.name ?? brief.brand?.name;
  if (!named) return subject ? [subject.replace(/^(?:a|an)\s+/i, 'our ')] : [];
  const inPassing = subject && subject.toLowerCase().includes(named.toLowerCase()) ? subject : null;
  return [...new Set([inPassing, named].filter((n): n is string => !!n))];
}
