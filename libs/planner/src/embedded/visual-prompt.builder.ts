import { type AspectRatio, type Brief, type CameraMove } from '@app/domain';
import { type AdBeat } from './ad-beat';
import { type SceneSlot } from './beat-timeline.builder';
import { type BriefCues, type ShotCue } from './brief-cues.parser';
import { type ToneProfile } from './tone.profile';
import { capitalise, fitText } from './text';

export interface PromptContext {
  brief: Brief;
  cues: BriefCues;
  tone: ToneProfile;
  /** How prompts name what is advertised, e.g. 'the Volt Runner sneaker', or 'the product' when the brief never says. */
  productPhrase: string;
  productNamed: boolean;
  /** The ad is too short for a product beat, so the hook has to show the product. */
  hookShowsProduct: boolean;
  /** The light the whole ad is shot in; each beat shades it. */
  lighting: string;
}

const MAX_PROMPT_CHARS = 1500;

const LENSES: Record<AdBeat, string> = {
  hook: 'wide 24mm lens',
  problem: '50mm lens, close and intimate',
  product: '85mm lens, shallow depth of field, crisp product detail',
  benefit: '35mm lens, open and airy composition',
  'end-card': '50mm lens, centred composition',
};

const LIGHT_BY_BEAT: Record<AdBeat, string> = {
  hook: '',
  problem: ', muted and slightly desaturated',
  product: ', with a clean key light and rim light on the product',
  benefit: ', brighter and more vivid',
  'end-card': ', even and clean',
};

export const FRAMING: Record<AspectRatio, string> = {
  '16:9': 'widescreen 16:9 frame',
  '9:16': 'vertical 9:16 frame, subject centred for mobile viewing',
  '1:1': 'square 1:1 frame, subject centred',
};

export const MOVE_WORDS: Record<CameraMove, string> = {
  static: 'locked-off static camera',
  'push-in': 'push-in',
  'pull-out': 'pull-out',
  'pan-left': 'pan left',
  'pan-right': 'pan right',
  'tilt-up': 'tilt up',
  'tilt-down': 'tilt down',
};

// In priority order: a night scene stays a night scene even when the brief also mentions summer.
const LIGHT_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:night|neon|nocturnal|midnight)\b/i, 'night-time neon glow with deep shadows'],
  [/\b(?:golden hour|sunset|sunrise)\b/i, 'golden-hour sunlight'],
  [/\b(?:dawn|dusk|twilight)\b/i, 'soft low dawn light'],
  [/\b(?:sunlit|sunny|sunlight|sunshine|summer|spring)\b/i, 'warm natural sunlight'],
  [/\b(?:candle-?lit|candlelight|firelight)\b/i, 'warm flickering candlelight'],
  [/\b(?:overcast|rain|rainy|snow|snowy|winter)\b/i, 'soft overcast daylight'],
  [/\bstudio\b/i, 'clean studio lighting'],
];

/** The light the brief names (night, golden hour, sunlit...), else the tone's own. */
export function lightingFor(brief: Brief, tone: ToneProfile): string {
  const text = `${brief.style ?? ''} ${brief.brief}`;
  return LIGHT_WORDS.find(([pattern]) => pattern.test(text))?.[1] ?? tone.lighting;
}

// 'follows a runner' or 'rising' has no subject of its own: the camera is the one doing it.
const CAMERA_VERB =
  /^(?:follows|tracks|chases|glides|moves|sweeps|flies|travels|pushes|pulls|drifts|races|rushes|weaves|\w+ing)\b/i;

/** A concrete prompt for one scene: what is shown, then cast, mood, light, camera, style and frame. */
export function buildVisualPrompt(slot: SceneSlot, move: CameraMove, ctx: PromptContext): string {
  const { brief, cues, tone } = ctx;
  const people = slot.beat === 'hook' || slot.beat === 'problem' || slot.beat === 'benefit';
  const lighting = ctx.lighting + LIGHT_BY_BEAT[slot.beat];
  const camera = move === 'static' ? MOVE_WORDS.static : `${tone.pace} ${MOVE_WORDS[move]}`;
  const lines = [
    sentence(direction(slot, ctx)),
    people && brief.audience ? `Cast: ${brief.audience}.` : '',
    `Mood: ${cues.moodWords.length ? cues.moodWords.join(', ') : tone.mood}.`,
    `Lighting: ${lighting}.`,
    `Camera: ${camera}, ${LENSES[slot.beat]}.`,
    `Style: ${sentence(brief.style ?? tone.style)}`,
    `Framing: ${FRAMING[brief.aspectRatio]}.`,
    // Text is overlaid at composition time; text drawn by the video model comes out garbled.
    'No captions, subtitles or overlaid text.',
  ];
  return fitText(lines.filter(Boolean).join(' '), MAX_PROMPT_CHARS);
}

// A split beat is one shot that keeps developing, so each continued part asks for something new.
const DEVELOPING: Record<AdBeat, string> = {
  hook: 'the scene drawing the viewer in',
  problem: 'the frustration building',
  product: 'circling to reveal its form',
  benefit: 'the mood lifting',
  'end-card': 'settling',
};
const PEAK: Record<AdBeat, string> = {
  hook: 'landing on the detail that hooks the viewer',
  problem: 'closing on the frustration at its worst',
  product: 'settling on its finest detail',
  benefit: 'the whole scene at its happiest',
  'end-card': 'settling',
};
const INTRO: Record<AdBeat, string> = {
  hook: 'Opening shot',
  problem: 'The problem',
  product: 'Hero product shot',
  benefit: 'The payoff',
  'end-card': 'Closing end-card shot',
};

function direction(slot: SceneSlot, ctx: PromptContext): string {
  const { beat, part, parts } = slot;
  const journey = slot.cues.find((c) => c.journey)?.journey;
  const oneTake = parts > 1 || ctx.cues.wholeAdContinuous;
  if (part > 0) {
    const trouble = slot.cues.find((c) => c.trouble)?.trouble;
    // A journey already moves on scene by scene; anything else needs telling how it develops.
    if (journey) return `The same unbroken shot continues: ${journeyStep(journey, part, parts)}`;
    const peak = beat === 'problem' && trouble ? `closing on ${trouble} at its worst` : PEAK[beat];
    return `The same unbroken shot continues: ${sceneContent(slot, ctx)}, ${part === parts - 1 ? peak : DEVELOPING[beat]}`;
  }
  const what = journey && parts > 1 ? journeyStep(journey, part, parts) : sceneContent(slot, ctx);
  if (beat === 'hook' && oneTake) return `${INTRO.hook}, the start of one continuous take: ${what}`;
  if (slot.transitionIn === 'continuous') return `The same take moves on — ${INTRO[beat].toLowerCase()}: ${what}`;
  return `${INTRO[beat]}: ${what}`;
}

/** What a scene shows: the brief's own words for the beat when it has some, else the template's. */
function sceneContent(slot: SceneSlot, ctx: PromptContext): string {
  const { brief, cues, productPhrase } = ctx;
  const said = slot.cues
    .map((c) => c.text)
    .filter(Boolean)
    .join('; ');
  const description = brief.product?.description;
  switch (slot.beat) {
    case 'hook': {
      const problem = cues.shots.find((c) => c.beat === 'problem' && c.text);
      let what: string;
      if (said) what = said;
      else if (ctx.hookShowsProduct) what = `${productPhrase} in an arresting, instantly readable hero image`;
      else if (problem?.setting) what = `${problem.setting}, moments before anything goes wrong`;
      else if (problem) what = `the world of ${problem.text}, established in one striking wide image`;
      else what = `an arresting, instantly readable image that sets up ${productPhrase}`;
      return ctx.hookShowsProduct && !mentions(what, productPhrase)
        ? `${what}, with ${productPhrase} clearly in frame`
        : what;
    }
    case 'problem':
      return (
        said ||
        `an everyday frustration${brief.audience ? ` familiar to ${brief.audience}` : ''}, shown honestly and relatably`
      );
    case 'product': {
      const named = !said
        ? `${productPhrase}, presented clearly and beautifully`
        : mentions(said, productPhrase) || !ctx.productNamed
          ? said
          : `${said} — ${productPhrase}`;
      return slot.part === 0 && description ? `${named} (${description})` : named;
    }
    case 'benefit':
      return (
        said ||
        `life with ${productPhrase}${description ? ` — ${description}` : ''}, people visibly at ease and enjoying the moment`
      );
    case 'end-card': {
      // 'End on the product' names the product by its role; the video model needs what it looks like.
      const what = said.replace(/\bthe product\b/i, productPhrase);
      const subject = mentions(what, productPhrase) ? what : what ? `${what}, ${productPhrase}` : productPhrase;
      return `${subject}, centred on a clean, uncluttered background, the camera settling to leave clear space for the headline and call to action`;
    }
  }
}

function journeyStep(journey: NonNullable<ShotCue['journey']>, part: number, parts: number): string {
  const action = !journey.action
    ? 'the camera travels'
    : CAMERA_VERB.test(journey.action)
      ? `the camera ${journey.action}`
      : journey.action;
  if (part === 0) return `${action}, starting in ${journey.from}`;
  if (part === parts - 1) return `${action}, emerging into ${journey.to}`;
  return `${action}, moving from ${journey.from} toward ${journey.to}`;
}

function mentions(text: string, phrase: string): boolean {
  return text.toLowerCase().includes(phrase.toLowerCase());
}

function sentence(text: string): string {
  const clean = capitalise(text.trim());
  return /[.!?…]$/.test(clean) ? clean : `${clean}.`;
}
