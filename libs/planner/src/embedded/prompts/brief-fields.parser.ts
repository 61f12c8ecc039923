import { MAX_DURATION_SEC, MIN_DURATION_SEC } from '@app/domain';
import { fitText, squash } from '../text';
import { classifyTone } from '../tone.profile';
import { parseAspectRatio, parseCallToAction, parseDuration, splitSentences } from './ad-format.parser';
import { type ExtractedBrief } from '../../prompt-toolkit.port';

const PEOPLE = `(?:adults?|parents?|mums?|moms?|mothers?|dads?|fathers?|famil(?:y|ies)|kids|children|teens?|teenagers?|students?|runners?|joggers?|athletes?|gamers?|professionals?|women|men|people|seniors?|retirees?|millennials?|gen[\\s-]?z(?:ers)?|travell?ers?|commuters?|drivers?|homeowners?|shoppers?|fans?|creators?|developers?|nurses?|patients?|sufferers?|cyclists?|golfers?|foodies|(?:pet|dog|cat) owners?|couples?|workers?|employees?|entrepreneurs?|founders?|(?:small )?business(?:es| owners?)|customers?|buyers?|readers?|users?|players?|musicians?|artists?|newlyweds|grandparents?|toddlers?|boys|girls|youth|hikers?|climbers?|skaters?|surfers?|swimmers?|year[\\s-]olds)`;
const EXPLICIT_AUDIENCE =
  /\b(?:aimed\s+at|targeting|targeted\s+at|target\s+audience(?:\s+is|:)?|audience(?:\s+is|:)|made\s+for|designed\s+for)\s+([^.;,!?]+)/i;
// Case-sensitive on purpose: 'the Volt Runner sneaker' is a name, 'young runners' are people.
const FOR_PEOPLE = new RegExp(`\\b[Ff]or\\s+((?:(?!for\\b)[a-z0-9][\\w'’-]*\\s+){0,3}?${PEOPLE}\\b[^.;,:!?]*)`);
const BARE_PEOPLE = new RegExp(`^(?:[A-Za-z0-9][\\w'’-]*\\s+)?(?:[a-z0-9][\\w'’-]*\\s+){0,2}${PEOPLE}$`);

// Platforms, dates and acronyms are capitalised too, but never the product.
const NOT_A_NAME =
  /^(?:tik\s?tok|instagram|ig|reels?|stories|story|youtube|shorts|facebook|fb|snapchat|pinterest|linkedin|twitter|x|tv|cta|ai|ar|vr|hd|4k|ok|uk|us|usa|eu|i|christmas|easter|halloween|thanksgiving|diwali|ramadan|eid|valentine'?s?|black|cyber|new|year'?s?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|spring|summer|autumn|fall|winter|a|an|the|our|my|your|this|that|open|opens|close|closes|end|ends|cut|make|create|show|start|begin|then|calm|bold|side|take|use|do|not)$/i;
const CAP_RUN = /\b[A-Z][\w'’&+-]*(?:\s+[A-Z0-9][\w'’&+-]*)*/g;
const NAME_LEAD =
  /\b(?:for|introducing|promoting|launching|featuring|meet|presenting|starring|called|named)\s+(?:(?:the|our|new|a|an)\s+)*$/i;
const PLACE_LEAD = /\b(?:in|at|on|from|to|across|around|near|of|through|into|over)\s+(?:the\s+)?$/i;

/** Words for what is being sold; a capitalised first word followed by one of these is a name ('Clarivo allergy tablet'). */
const PRODUCT_NOUNS =
  /\b(?:sneakers?|trainers?|shoes?|boots?|tablets?|pills?|capsules?|medicines?|spray|cream|serum|lotion|shampoo|perfume|fragrance|watch|watches|phone|laptop|headphones|earbuds|app|software|platform|coffee|tea|cola|soda|drink|juice|beer|wine|snack|bar|cereal|bakery|bread|pizza|burger|car|bike|scooter|bank|card|insurance|hotel|airline|game|toy|chair|sofa|mattress|bag|jacket|dress)\b/i;

export interface ProductMention {
  name: string;
  description?: string;
  /** Any noun the text puts right after the name, e.g. 'sneaker' in 'the Volt Runner sneaker'. */
  noun?: string;
}

/** The product the text names: explicit 'product:', then 'for X' / 'introducing X', then capitalised names. */
export function findProduct(text: string): ProductMention | null {
  const explicit = /\bproduct(?:\s+name)?\s*(?:is|:)\s*([^.,;]+)/i.exec(text);
  if (explicit) return withDetails(text, explicit[1].trim(), explicit.index + explicit[0].length);

  const runs = [...text.matchAll(CAP_RUN)]
    .map((m) => trimRun(m[0], m.index))
    .filter((r): r is { name: string; index: number } => r !== null);
  const before = (index: number) => text.slice(0, index);
  const sentenceStart = (index: number) => /(?:^|[.!?]['’"”]?\s+)$/.test(before(index));

  const led = runs.find((r) => NAME_LEAD.test(before(r.index)));
  const theNoun = runs.find((r) => /\bthe\s+$/i.test(before(r.index)) && /^\s+[a-z]/.test(after(text, r)));
  const midText = runs.find(
    (r) =>
      !sentenceStart(r.index) &&
      !PLACE_LEAD.test(before(r.index)) &&
      // After 'CTA:' or an opening quote the capital starts a line of copy, not a name.
      !/[:'‘"“]\s*$/.test(before(r.index)) &&
      !/^[A-Z0-9]{2,}$/.test(r.name),
  );
  const opening = runs.find(
    (r) =>
      sentenceStart(r.index) &&
      (r.name.includes(' ') ||
        PRODUCT_NOUNS.test(
          after(text, r)
            .split(/[.,;:!?]/)[0]
            .split(/\s+/, 4)
            .join(' '),
        )),
  );
  const found = led ?? theNoun ?? opening ?? midText;
  return found ? withDetails(text, found.name, found.index + found.name.length) : null;
}

function trimRun(run: string, index: number): { name: string; index: number } | null {
  const words = run.split(/\s+/);
  let start = 0;
  let end = words.length;
  while (start < end && NOT_A_NAME.test(words[start])) start++;
  while (end > start && NOT_A_NAME.test(words[end - 1])) end--;
  if (start === end || /^\d/.test(words[start])) return null;
  const name = words.slice(start, end).join(' ');
  return { name, index: index + run.indexOf(name) };
}

function after(text: string, run: { name: string; index: number }): string {
  return text.slice(run.index + run.name.length);
}

/** The name plus what the text says right after it: ', a once-daily allergy tablet' or 'sneaker'. */
function withDetails(text: string, name: string, end: number): ProductMention {
  const rest = text.slice(end);
  const appositive = /^\s*(?:,|is|—|–|-)\s*(?:an?|the)\s+([^.;:!?]+)/i.exec(rest);
  const noun = /^\s+([a-z][\w-]*(?:\s+[a-z][\w-]*)?)/.exec(rest.split(/[.,;:!?]/)[0]);
  const product: ProductMention = { name: fitText(name, 120) };
  if (appositive) product.description = fitText(appositive[1].trim(), 500);
  const nounWords = noun?.[1].split(/\s+/).filter((w) => PRODUCT_NOUNS.test(w) || !AD_NOUN.test(w));
  if (nounWords?.length && PRODUCT_NOUNS.test(nounWords.join(' '))) product.noun = nounWords.join(' ');
  return product;
}

export const AD_NOUN = /^(?:ad|ads|advert|advertisement|commercial|spot|promo|video|campaign|teaser|bumper|clip)$/i;

/**
 * Who the ad is for: 'aimed at ...', 'for adults 30-55 ...', or a bare part such as 'young runners'.
 * Fair-balance sentences are skipped: 'Not for children under 6' says who must not take it.
 */
export function findAudience(sentences: readonly string[]): string | null {
  const text = sentences.filter((s) => !DISCLAIMER.test(s) && !SIDE_EFFECTS.test(s)).join(' ');
  const explicit = EXPLICIT_AUDIENCE.exec(text) ?? FOR_PEOPLE.exec(text);
  if (explicit) return fitText(explicit[1].trim(), 300) || null;
  const bare = text
    .split(/[.,;:!?]\s*/)
    .map((part) => part.trim())
    .find((part) => BARE_PEOPLE.test(part));
  return bare ? fitText(bare, 300) : null;
}

/** Looks a brief can ask for, which shape light and style rather than tone. */
const LOOK_WORDS =
  /\b(?:neon|sunlit|sunny|golden hour|cinematic|retro|vintage|black and white|monochrome|minimal(?:ist)?|pastel|handheld|slow[\s-]motion|drone|aerial|documentary|animated|animation|anime|claymation|stop[\s-]motion|3d|studio|gritty|moody|dreamy|noir|film grain|lo-fi|glossy|high-contrast|night|rain|rainy|snowy|sunset|dawn)\b/gi;

export function lookWordsIn(text: string): string[] {
  return [...new Set([...text.matchAll(LOOK_WORDS)].map((m) => m[0].toLowerCase()))];
}

/** Descriptors are parts of one or two words ('Calm, hopeful, sunlit.' or '..., calm'), not described shots. */
function descriptorItems(sentence: string): string[] {
  return sentence
    .replace(/[.!?]+$/, '')
    .split(/\s*[,;]\s*|\s+and\s+/)
    .map((i) => i.trim())
    .filter((i) => /^[a-z][\w'-]*(?:\s[a-z][\w'-]*)?$/i.test(i));
}

const isToneWord = (word: string) => classifyTone(word) !== 'neutral';

/** Tone words the text uses for the ad as a whole, in order, e.g. ['calm', 'hopeful']. */
function findTone(text: string, sentences: readonly string[]): string | null {
  const explicit =
    /\btone\s*(?:is|:|should\s+be|of)\s*([^.;]+)/i.exec(text) ??
    /\b(?:in|with)\s+an?\s+([\w ,'-]{2,60}?)\s+(?:tone|feel|mood)\b/i.exec(text);
  if (explicit) return fitText(explicit[1].trim(), 120) || null;
  const described = sentences.flatMap(descriptorItems).filter(isToneWord);
  const beforeAdNoun = [...text.matchAll(/\b((?:[\w-]+\s+){1,3})(?:ad|spot|commercial|video|promo|advert)\b/gi)]
    .flatMap((m) => m[1].trim().split(/\s+/))
    .filter(isToneWord);
  const words = [...new Set([...described, ...beforeAdNoun].map((w) => w.toLowerCase()))];
  return words.length ? fitText(words.join(', '), 120) : null;
}

function findStyle(text: string, sentences: readonly string[]): string | null {
  const explicit =
    /\bstyle\s*(?:is|:|should\s+be)\s*([^.;]+)/i.exec(text) ??
    /\b(?:in\s+the\s+style\s+of|styled\s+like|shot\s+like)\s+([^.;]+)/i.exec(text) ??
    /\b((?:[\w-]+\s+){1,4}(?:cinematography|aesthetic|animation|visuals))\b/i.exec(text);
  if (explicit) return fitText(explicit[1].trim(), 300) || null;
  const looks = sentences.flatMap(descriptorItems).filter((item) => lookWordsIn(item).length > 0);
  return looks.length ? fitText([...new Set(looks.map((l) => l.toLowerCase()))].join(', '), 300) : null;
}

const SIDE_EFFECTS =
  /\b(?:side[\s-]effects?\s+(?:may\s+|can\s+|could\s+)?(?:include|includes|including|are|:)|may\s+cause|can\s+cause)\s*:?\s*([^.!?]+)/i;
const DOSE_AMOUNT = /\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|μg|ml|iu)\b/i;
const DOSE_INSTRUCTION =
  /^(?:take|swallow|chew|apply|inhale|spray|dissolve|use\s+(?:one|two|\d)|do\s+not\s+(?:exceed|take\s+more)|adults?\b[^.]*\b(?:take|should\s+take)|(?:one|two|1|2)\s+(?:tablets?|capsules?|pills?|doses?|drops?|sprays?|puffs?))\b/i;
const DOSE_NOUN =
  /\b(?:tablets?|capsules?|pills?|doses?|dosage|drops?|sprays?|puffs?|lozenges?|sachets?|teaspoons?)\b/i;
const DISCLAIMER =
  /^(?:use\s+only\s+as\s+directed|only\s+use\s+as\s+directed|not\s+(?:for|suitable\s+for|recommended\s+for)\s+(?:children|use|people|anyone|pregnant)|keep\s+out\s+of\s+(?:the\s+)?reach|always\s+read\s+(?:the\s+)?label|read\s+the\s+(?:label|leaflet)|if\s+symptoms\s+persist|(?:individual\s+)?results\s+may\s+vary|do\s+not\s+use\s+if|not\s+to\s+be\s+used|(?:consult|talk\s+to|ask)\s+your\s+(?:doctor|pharmacist)\s+(?:before|if)|see\s+(?:full\s+)?(?:prescribing\s+information|label|leaflet)|terms\s+(?:and|&)\s+conditions\s+apply|t&cs\s+apply|may\s+not\s+be\s+suitable|this\s+(?:medicine|product)\s+is\s+not)\b/i;
const MEDICINE =
  /\b(?:tablets?|capsules?|pills?|medicines?|medication|mg|doses?|drugs?|prescription|allerg(?:y|ies)|relief|symptoms?|pharma\w*|treatment)\b/i;

/** Compliance text found verbatim; nothing is paraphrased, so the storyboard can quote it word for word. */
export function findCompliance(sentences: readonly string[]): NonNullable<ExtractedBrief['compliance']> {
  const compliance: NonNullable<ExtractedBrief['compliance']> = {};
  const sideEffects = sentences
    .map((s) => SIDE_EFFECTS.exec(s)?.[1])
    .filter((list): list is string => !!list)
    .flatMap((list) => list.split(/\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+/))
    .map((item) => item.trim())
    .filter((item) => item.length > 0 && item.length <= 200);
  if (sideEffects.length) compliance.sideEffects = [...new Set(sideEffects)].slice(0, 30);

  const disclaimers = sentences.filter((s) => DISCLAIMER.test(s));
  const dosage = sentences.filter(
    (s) =>
      !SIDE_EFFECTS.test(s) &&
      !DISCLAIMER.test(s) &&
      (DOSE_AMOUNT.test(s) || (DOSE_INSTRUCTION.test(s) && DOSE_NOUN.test(s))) &&
      // A product introduction ('a once-daily allergy tablet') names a dose form without instructing one.
      !/\b(?:ad|spot|commercial|advert)\b/i.test(s),
  );
  const dosageText = dosage.join(' ');
  const disclaimerText = disclaimers.join(' ');
  if (dosageText && dosageText.length <= 500) compliance.dosage = dosageText;
  if (disclaimerText && disclaimerText.length <= 1000) compliance.disclaimer = disclaimerText;
  return compliance;
}

/** The brief fields a free text states; `missing` names those it does not. Pure and deterministic. */
export function extractBriefFields(raw: string): { fields: ExtractedBrief; missing: string[] } {
  const text = squash(raw);
  const sentences = splitSentences(text);
  const fields: ExtractedBrief = {};

  const product = findProduct(text);
  if (product)
    fields.product = product.description
      ? { name: product.name, description: product.description }
      : { name: product.name };
  const audience = findAudience(sentences);
  if (audience) fields.audience = audience;
  const tone = findTone(text, sentences);
  if (tone) fields.tone = tone;
  const style = findStyle(text, sentences);
  if (style) fields.style = style;
  const duration = parseDuration(text);
  // An out-of-range or fractional length would only fail validation later, so it counts as not found.
  if (
    duration &&
    Number.isInteger(duration.value) &&
    duration.value >= MIN_DURATION_SEC &&
    duration.value <= MAX_DURATION_SEC
  ) {
    fields.durationSec = duration.value;
  }
  const aspect = parseAspectRatio(text);
  if (aspect) fields.aspectRatio = aspect.value;
  const cta = parseCallToAction(text);
  if (cta && cta.value.length <= 200) fields.callToAction = cta.value;
  const compliance = findCompliance(sentences);
  if (Object.keys(compliance).length) fields.compliance = compliance;

  const missing = (
    ['product', 'audience', 'tone', 'style', 'durationSec', 'aspectRatio', 'callToAction'] as const
  ).filter((key) => fields[key] === undefined) as string[];
  // Only a medicine ad needs fair balance, so only there is its absence worth reporting.
  if (MEDICINE.test(text)) {
    for (const key of ['sideEffects', 'dosage', 'disclaimer'] as const) {
      if (!compliance[key]) missing.push(`compliance.${key}`);
    }
  }
  return { fields, missing };
}
