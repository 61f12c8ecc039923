import {
  AppError,
  briefSchema,
  Errors,
  MAX_DURATION_SEC,
  MIN_DURATION_SEC,
  type AspectRatio,
  type Brief,
} from '@app/domain';
import { capitalise, fitText, squash } from '../text';
import { classifyTone, TONE_PROFILES, type ToneKind } from '../tone.profile';
import { parseAspectRatio, parseCallToAction, parseDuration, splitSentences } from './ad-format.parser';
import { AD_NOUN, findAudience, findCompliance, findProduct, lookWordsIn } from './brief-fields.parser';

const DEFAULT_DURATION_SEC = 30;
/** Past this an idea is already a brief: rewriting it would lose the writer's own shots. */
const DETAILED_CHARS = 160;

interface Category {
  name: string;
  words: RegExp;
  tone: ToneKind;
  noun: string;
  who: string;
  place: string;
  /** Follows <who>; carries a benefit word and no problem word, so the planner files it as the payoff. */
  payoff: string;
  callToAction: (name: string | null) => string;
  /** The closing line shown on screen; kept free of claims so it suits any product in the category. */
  tagline: string;
}

// The earliest category word in the idea wins: 'allergy tablet for runners' is a medicine ad.
const CATEGORIES: readonly Category[] = [
  {
    name: 'sports',
    tagline: 'Feel every stride.',
    words:
      /\b(?:sneakers?|trainers?|running|runners?|shoes?|gym|fitness|workout|sports?(?:wear)?|athletes?|football|soccer|basketball|tennis|cycling|bikes?|yoga|energy drinks?|activewear)\b/i,
    tone: 'energetic',
    noun: 'sneaker',
    who: 'athletes',
    place: 'city streets',
    payoff: 'racing on, light and free, grinning',
    callToAction: () => 'Shop now.',
  },
  {
    name: 'health',
    tagline: 'Enjoy the day.',
    words:
      /\b(?:allerg(?:y|ies)|tablets?|pills?|medicines?|capsules?|relief|painkillers?|pharmacy|vitamins?|supplements?|cold|flu|headaches?|sleep aid)\b/i,
    tone: 'calm',
    noun: 'remedy',
    who: 'a family',
    place: 'a bright family home',
    payoff: 'breathing easy and enjoying the day',
    callToAction: (name) => (name ? `Ask your doctor about ${name}.` : 'Ask your pharmacist today.'),
  },
  {
    name: 'luxury',
    tagline: 'Quietly unforgettable.',
    words:
      /\b(?:perfume|fragrance|watch(?:es)?|jewell?ery|rings?|necklaces?|skincare|serum|cream|cosmetics?|make-?up|lipstick|luxury|fashion|handbags?|couture)\b/i,
    tone: 'elegant',
    noun: 'collection',
    who: 'a poised guest',
    place: 'a softly lit studio',
    payoff: 'glowing with quiet confidence',
    callToAction: (name) => (name ? `Discover ${name}.` : 'Discover the collection.'),
  },
  {
    name: 'food and drink',
    tagline: 'Made to be shared.',
    words:
      /\b(?:coffee|caf[eé]|bakery|bread|sourdough|pizza|burgers?|restaurant|snacks?|chocolate|cola|soda|drinks?|juice|tea|beer|ice cream|food|recipes?|meal kits?)\b/i,
    tone: 'neutral',
    noun: 'treat',
    who: 'friends',
    place: 'a warm, bustling kitchen',
    payoff: 'sharing a taste and laughing together',
    callToAction: (name) => (name ? `Try ${name} today.` : 'Try it today.'),
  },
  {
    name: 'family fun',
    tagline: 'Play all day.',
    words: /\b(?:toys?|kids|children|games?|gaming|candy|sweets|cereal|cartoons?|pets?|puppy|kitten)\b/i,
    tone: 'playful',
    noun: 'toy',
    who: 'kids',
    place: 'a bright, colourful playroom',
    payoff: 'laughing with pure joy',
    callToAction: () => 'Get yours today.',
  },
  {
    name: 'technology',
    tagline: 'Get more done.',
    words:
      /\b(?:apps?|software|saas|smartphones?|phones?|laptops?|headphones|earbuds|gadgets?|smart home|platform|tech)\b/i,
    tone: 'hopeful',
    noun: 'app',
    who: 'a busy team',
    place: 'a modern workspace',
    payoff: 'finally getting it done, effortless and smiling',
    callToAction: () => 'Download now.',
  },
  {
    name: 'finance',
    tagline: 'Plan with confidence.',
    words: /\b(?:bank(?:ing)?|insurance|mortgages?|savings?|invest(?:ing|ments?)|loans?|pensions?|credit cards?)\b/i,
    tone: 'hopeful',
    noun: 'account',
    who: 'a young couple',
    place: 'a sunny kitchen',
    payoff: 'smiling, confident about the future',
    callToAction: () => 'Learn more.',
  },
  {
    name: 'travel',
    tagline: 'Go further.',
    words: /\b(?:travel|hotels?|holidays?|vacations?|flights?|resorts?|trips?|airlines?|cruises?)\b/i,
    tone: 'hopeful',
    noun: 'getaway',
    who: 'travellers',
    place: 'a breathtaking coastline',
    payoff: 'free at last, enjoying every moment',
    callToAction: () => 'Book now.',
  },
];

const GENERAL: Category = {
  name: 'general',
  tagline: 'Made for moments like this.',
  words: /$^/,
  tone: 'neutral',
  noun: 'product',
  who: 'people',
  place: 'an everyday setting',
  payoff: 'smiling and enjoying the moment',
  callToAction: () => 'Learn more.',
};

const PLACE =
  /(?:\b(?:a|an|the)\s+)?(?:(?!(?:in|on|at|of|for|with|and|the|a|an|to|from|through|into|ad)\b)[\w-]+\s+){0,2}?(?:city|streets?|beach|gym|park|kitchen|office|forest|woods|mountains?|tunnel|rooftops?|studio|stadium|track|desert|caf[eé]|home|subway|garden|lake|river|road|highway|picnic|festival|club|school|campus|coast(?:line)?|ocean|sea|pool|field|court|living room|bedroom|farm|vineyard|market)\b(?:\s+(?:party|streets?|side|front|floor))?/i;
const ON_PLACE = /\b(?:coast(?:line)?|beach|streets?|road|highway|track|court|field|rooftops?)\b/i;
const NOT_A_NOUN =
  /^(?:a|an|the|new|our|my|tv|social|online|short|launch|brand|vertical|square|landscape|widescreen|portrait|video|summer|spring|winter|autumn|holiday|christmas|\d.*|\w+-second|\w+-minute)$/i;

export interface EnhancedBrief {
  brief: Brief;
  /** What was read from the idea ('inferred ...') and what was filled in ('assumed ...'). */
  notes: string[];
}

/** A full, valid brief from a rough idea. Pure and deterministic; compliance is only ever copied, never written. */
export function enhanceIdea(idea: string): EnhancedBrief {
  const text = squash(idea);
  if (!/[a-z]/i.test(text)) throw new AppError(Errors.requestInvalid, 'the idea has no words to work from');
  const sentences = splitSentences(text);
  const notes: string[] = [];
  const inferred = (what: string, said: string) => notes.push(`inferred ${what} from '${said}'`);
  const assumed = (what: string, why: string) => notes.push(`assumed ${what}: ${why}`);

  const durationSec = durationOf(text, inferred, assumed);
  const aspect = parseAspectRatio(text);
  const aspectRatio: AspectRatio = aspect?.value ?? '16:9';
  if (aspect) inferred(`aspect ratio ${aspectRatio}`, aspect.said);
  else assumed('aspect ratio 16:9', 'no platform or format given');

  const category = categoryOf(text);
  const product = findProduct(text);
  if (product) inferred(`product name '${product.name}'`, product.name);
  const noun = singular(product?.noun ?? nounBeforeAdWord(text) ?? category.noun);

  const toneWords = text
    .split(/[\s,;:.!?]+/)
    .filter((w) => w && classifyTone(w) !== 'neutral')
    .map((w) => w.toLowerCase());
  const kind = toneWords.length ? classifyTone(text) : category.tone;
  const profile = TONE_PROFILES[kind];
  const tone = toneWords.length ? fitText([...new Set(toneWords)].join(', '), 120) : profile.mood;
  if (toneWords.length) inferred(`tone '${tone}'`, toneWords.join(', '));
  else assumed(`tone '${tone}'`, `no mood words, so the usual tone for a ${category.name} ad`);

  const audience = findAudience(sentences);
  if (audience) inferred(`audience '${audience}'`, audience);
  else notes.push('no audience stated: left open');

  const cta = parseCallToAction(text);
  const callToAction = fitText(cta?.value ?? category.callToAction(product?.name ?? null), 200);
  if (cta) inferred(`call to action '${callToAction}'`, cta.said);
  else assumed(`call to action '${callToAction}'`, `a usual close for a ${category.name} ad`);

  const looks = lookWordsIn(text);
  const style = fitText(looks.length ? `${looks.join(', ')}, ${profile.style}` : profile.style, 300);
  assumed(`style '${style}'`, looks.length ? `the idea's look (${looks.join(', ')}) and the tone` : 'from the tone');
  notes.push(`music mood '${profile.musicMood}' follows the tone`);

  const compliance = findCompliance(sentences);
  if (Object.keys(compliance).length) notes.push('copied the compliance text verbatim');
  else if (category.name === 'health') notes.push('no compliance text given: add side effects, dosage and disclaimer');

  const detailed = text.length >= DETAILED_CHARS && sentences.length >= 2;
  let briefText: string;
  if (detailed) {
    // Fair balance lives in the compliance block; left in the text, the planner would film it as a shot.
    const compliant = sentences.filter((s) => Object.keys(findCompliance([s])).length === 0);
    briefText = fitText(compliant.join(' ') || text, 2000);
    notes.push('kept the idea as the brief text: it already describes the ad');
  } else {
    briefText = writeBriefText({
      text,
      durationSec,
      aspectRatio,
      productName: product?.name ?? null,
      noun,
      category,
      audience,
      tone,
      looks,
    });
    assumed(`closing line '${category.tagline}'`, `a neutral line for a ${category.name} ad`);
  }

  const brief = briefSchema.parse({
    brief: briefText,
    durationSec,
    aspectRatio,
    ...(product
      ? {
          product: product.description
            ? { name: product.name, description: product.description }
            : { name: product.name },
        }
      : {}),
    ...(audience ? { audience } : {}),
    tone,
    style,
    callToAction,
    ...(Object.keys(compliance).length ? { compliance } : {}),
    music: { mood: profile.musicMood, enabled: true },
  });
  return { brief, notes };
}

function durationOf(
  text: string,
  inferred: (what: string, said: string) => void,
  assumed: (what: string, why: string) => void,
): number {
  const stated = parseDuration(text);
  if (!stated) {
    assumed(`duration ${DEFAULT_DURATION_SEC} s`, 'no length given');
    return DEFAULT_DURATION_SEC;
  }
  const sec = Math.min(MAX_DURATION_SEC, Math.max(MIN_DURATION_SEC, Math.round(stated.value)));
  if (sec === stated.value) inferred(`duration ${sec} s`, stated.said);
  else
    assumed(`duration ${sec} s`, `'${stated.said}' is outside ${MIN_DURATION_SEC}-${MAX_DURATION_SEC} whole seconds`);
  return sec;
}

function categoryOf(text: string): Category {
  let best: { category: Category; at: number } | null = null;
  for (const category of CATEGORIES) {
    const at = text.search(category.words);
    if (at >= 0 && (!best || at < best.at)) best = { category, at };
  }
  return best?.category ?? GENERAL;
}

/** 'sneaker' in 'sneaker ad', 'allergy tablet' in 'an allergy tablet spot'. */
function nounBeforeAdWord(text: string): string | null {
  for (const m of text.matchAll(
    /\b((?:[a-z][\w-]*\s+){1,2})(?=(?:ad|ads|advert|commercial|spot|promo|video|campaign)\b)/gi,
  )) {
    const words = m[1]
      .trim()
      .split(/\s+/)
      .filter(
        (w) => !NOT_A_NOUN.test(w) && !AD_NOUN.test(w) && classifyTone(w) === 'neutral' && !lookWordsIn(w).length,
      );
    if (words.length) return words.join(' ').toLowerCase();
  }
  return null;
}

interface BriefParts {
  text: string;
  durationSec: number;
  aspectRatio: AspectRatio;
  productName: string | null;
  noun: string;
  category: Category;
  audience: string | null;
  tone: string;
  looks: readonly string[];
}

/** Format line, hook in its setting, product moment, payoff, closing line and mood, in the planner's own vocabulary. */
function writeBriefText(p: BriefParts): string {
  const format = p.aspectRatio === '9:16' ? 'vertical ' : p.aspectRatio === '1:1' ? 'square ' : '';
  const named = p.productName;
  const subject = named ? (p.noun !== GENERAL.noun ? `${named}, a new ${p.noun}` : named) : `a new ${p.noun}`;
  const productRef = named ? (p.noun !== GENERAL.noun ? `the ${named} ${p.noun}` : named) : `the ${p.noun}`;
  const who = p.audience ?? p.category.who;

  const placeMatch = PLACE.exec(p.text);
  let place = placeMatch ? placeMatch[0].replace(/^(?:a|an|the)\s+/i, '') : p.category.place;
  if (placeMatch && !/^(?:a|an|the)\s/i.test(placeMatch[0]) && !/s$/i.test(place)) place = `the ${place}`;
  if (p.looks.includes('neon') && !/\bneon\b/i.test(place)) place = `neon-lit ${place}`;
  const time = timeOfDay(p.looks, place);
  const prep = ON_PLACE.test(place) ? 'on' : 'in';

  const mood = [...p.tone.split(/\s*,\s*/), ...p.looks.filter((l) => !p.tone.includes(l))].filter(Boolean);
  const lines = [
    `A ${p.durationSec}-second ${format}ad for ${subject}.`,
    `Open on ${who} ${prep} ${place}${time}.`,
    `Cut to a close-up of ${productRef}, crisp and detailed.`,
    `${capitalise(who)} ${p.category.payoff}.`,
    `End on ${productRef} and the line '${p.category.tagline}'`,
    `${capitalise(mood.join(', '))}.`,
  ];
  return fitText(lines.join(' '), 2000);
}

/** 'sneakers' reads 'a new sneaker'; words that are plural by nature keep their s. */
function singular(noun: string): string {
  return /(?:[^s]s)$/i.test(noun) && !/\b(?:headphones|glasses|jeans|shorts|trousers|news|series|earbuds)$/i.test(noun)
    ? noun.slice(0, -1)
    : noun;
}

function timeOfDay(looks: readonly string[], place: string): string {
  if (/\b(?:night|sunset|dawn|rain)\b/i.test(place)) return '';
  if (looks.includes('night') || looks.includes('neon')) return ' at night';
  if (looks.includes('sunset') || looks.includes('golden hour')) return ' at golden hour';
  if (looks.includes('dawn')) return ' at dawn';
  if (looks.includes('rain') || looks.includes('rainy')) return ' in the rain';
  return '';
}
