import { type Brief, type CameraMove } from '@app/domain';
import { type AdBeat } from './ad-beat';
import { classifyTone, type ToneKind } from './tone.profile';
import { fitText, squash } from './text';

/** One shot the brief describes, e.g. 'Open on a family picnic ruined by sneezing'. */
export interface ShotCue {
  /** The clause as a prompt fragment: opening verbs, quoted lines and continuity wording removed. */
  text: string;
  beat: AdBeat;
  continuous: boolean;
  /** A join the brief asks for into this shot; the tone decides the rest. */
  transition: AskedTransition | null;
  camera: CameraMove | null;
  /** 'follows a runner from a dark tunnel into neon streets': a continuous chain walks through it scene by scene. */
  journey: { action: string; from: string; to: string } | null;
  /** 'a family picnic ruined by sneezing': the hook opens on the setting before the trouble strikes. */
  setting: string | null;
  trouble: string | null;
}

export type AskedTransition = 'cut' | 'crossfade' | 'dip-to-black' | 'dip-to-white';

/** What the template can use from a brief's free text. The text is data: nothing here can change timing or format. */
export interface BriefCues {
  tone: ToneKind;
  moodWords: string[];
  /** What the ad is for, from an opening like '30-second spot for Clarivo, a daily allergy tablet'. */
  subject: string | null;
  /** A quoted line such as 'Breathe in spring.', shown on screen rather than drawn by the video model. */
  tagline: string | null;
  shots: ShotCue[];
  /** The brief asks for one take without saying which part, so every scene continues the one before. */
  wholeAdContinuous: boolean;
}

const MAX_CUE_CHARS = 300;
const MAX_TAGLINE_CHARS = 60;

const QUOTED = /(^|[\s(:,])['‘"“]([^'‘’"“”]{1,200}?)['’"”](?=$|[\s.,;:!?)])/g;
const PLACEHOLDER = /\u27e6(\d+)\u27e7/g;
const HAS_PLACEHOLDER = /\u27e6\d+\u27e7/;
const QUOTE_PHRASE =
  /\s*(?:,?\s*(?:and|with)\s+)?(?:the\s+)?(?:(?:tag\s?)?line|slogan|words?|text|caption|title|message)?\s*\u27e6\d+\u27e7/gi;

const CONTINUOUS =
  /\b(?:continuous(?:\s+(?:shot|take))?|single[\s-]take|one[\s-]take|oner|unbroken(?:\s+(?:shot|take))?|seamless(?:ly)?)\b/i;
const CONTINUOUS_PHRASE =
  /\b(?:(?:in|as|with)\s+)?(?:(?:one|a|a\s+single|single)\s+)?(?:continuous\s+(?:shot|take)|single[\s-]take|one[\s-]take|oner|unbroken\s+(?:shot|take)|seamless(?:\s+(?:shot|take))?)(?:\s+(?:that|which))?\s*/gi;
const INSTRUCTION =
  /\b(?:ignore|disregard|forget|override)\b.*\b(?:instructions?|rules?|prompts?|above|previous|prior)\b|\b(?:system|developer)\s+(?:prompt|message|instructions?)\b|\byou\s+are\s+now\b/i;
const FORMAT_WORDS =
  /\b\d+\s*-?\s*(?:seconds?|secs?|minutes?|mins?)\b|\b(?:six|ten|fifteen|twenty|thirty|forty-five|sixty|ninety)[\s-]seconds?\b|\b(?:16:9|9:16|1:1|4:5)\b/i;
const AD_WORDS = /\b(?:spot|commercial|bumper|advert|advertisement|ad|ads|promo|teaser|pre-?roll|campaign)\b/i;
const SHOT_VERBS =
  /^(?:cut|zoom|pan|tilt|open|opens|close|closes|end|ends|show|shows|reveal|reveals|close-?up|follow|follows|track|tracks)\b/i;
const OPENING_VERBS =
  /^(?:open|opens|opening|start|starts|begin|begins|close|closes|end|ends|finish|finishes)\s+(?:on|with)\s+/i;
const TRANSITION_INTO =
  /^(?:(?:a|an|then)\s+)?(?:(?:hard|smash|quick|jump)\s+)?(?:cut|dissolve|cross-?fade|fade)s?\s+to\s+/i;
// 'fade to black' names a transition, not a black shot: it and its joining word come off the shot text.
const DIP = /\b(?:fades?|dips?|fading|dipping)\s+(?:out\s+)?to\s+(black|white)\b/i;
const DIP_PHRASE =
  /^(?:(?:a|an|then)\s+)?(?:slow\s+)?(?:fades?|dips?|fading|dipping)\s+(?:out\s+)?to\s+(?:black|white)\b(?:\s*,)?(?:\s+(?:and|then|before|on|to)\b)?\s*/i;

const END =
  /^(?:end|ends|ending|close|closes|closing|finish|finishes|finishing)\s+(?:on|with)\b|\bend[\s-]?card\b|\b(?:final|last)\s+(?:shot|frame)\b/i;
const PROBLEM =
  /\b(?:ruin(?:s|ed|ing)?|spoil(?:s|ed|t|ing)?|sneez\w*|struggl\w*|frustrat\w*|tired|exhausted|stress(?:ed|ful)?|mess|messy|pain(?:ful)?|itch\w*|stuck|annoy\w*|bored|boring|chaos|chaotic|problems?|worr(?:y|ied|ies)|hassle|fail(?:s|ing)?|broken|spill(?:s|ed)?|sick|aches?|aching|before)\b/i;
const BENEFIT =
  /\b(?:after|bloom\w*|relie(?:f|ved)|free(?:dom)?|transform\w*|smil\w*|laugh\w*|joy\w*|finally|instead|glow\w*|confiden\w*|happ(?:y|ily|iness)|enjoy\w*|thriv\w*|effortless\w*|celebrat\w*)\b/i;
const PRODUCT =
  /\b(?:cuts?\s+to|pedestal|pack\s?shot|hero\s+shot|close-?up|macro|product|unbox\w*|bottle|packaging|label)\b/i;
const TROUBLE =
  /^(.*?)\s+(?:ruined|spoiled|spoilt|interrupted|disrupted|derailed|plagued|overwhelmed|cut\s+short)\s+by\s+(.+)$/i;
const JOURNEY =
  /^(.*?)\s*\bfrom\s+(.+?)\s+(?:(?:up|down|over|out|across|back)\s+)?(?:into|to|onto|through|towards?)\s+(.+)$/i;
// A clause that began a sentence starts with a capital; mid-prompt it should not.
const SENTENCE_START =
  /^(?:A|An|The|She|He|They|We|It|Our|Your|His|Her|Their|This|That|These|Those|Close-up|Close|Wide|Extreme|Macro|Slow|Aerial|Overhead|Tracking|Camera)\b/;

const CAMERA_WORDS: ReadonlyArray<readonly [CameraMove, RegExp]> = [
  ['pull-out', /\b(?:pulls?\s+(?:back|out)|dolly\s+out|zooms?\s+out|reveal(?:s|ing)?)\b/i],
  ['push-in', /\b(?:follow(?:s|ing)?|track(?:s|ing)?|chas(?:e|es|ing)|push(?:es)?\s+in|dolly\s+in|zooms?\s+in)\b/i],
  ['pan-left', /\bpans?\s+left\b/i],
  ['pan-right', /\b(?:pans?\s+(?:right|across|over|along)|camera\s+pans?)\b/i],
  ['tilt-up', /\b(?:tilts?\s+up|cranes?\s+up)\b/i],
  ['tilt-down', /\b(?:tilts?\s+down|cranes?\s+down)\b/i],
  ['static', /\b(?:static|locked-off|still\s+frame)\b/i],
];

const NEXT_BEAT: Record<AdBeat, AdBeat> = {
  hook: 'problem',
  problem: 'product',
  product: 'benefit',
  benefit: 'benefit',
  'end-card': 'end-card',
};

/** Reads the brief's free text into cues. Pure and deterministic: the same brief always reads the same. */
export function readBriefCues(brief: Brief): BriefCues {
  const quotes: string[] = [];
  const text = squash(brief.brief).replace(QUOTED, (_all, lead: string, quoted: string) => {
    quotes.push(squash(quoted));
    return `${lead}\u27e6${quotes.length - 1}\u27e7`;
  });
  const clauses = text
    .split(/(?<=[.!?])\s+/)
    .flatMap((sentence) => sentence.split(/\s*;\s*|:\s+|,?\s+(?:and\s+)?then\b,?\s*/i))
    .map(trimClause)
    .filter((clause) => clause.length > 0 && !INSTRUCTION.test(clause));

  const names = [brief.product?.name, brief.brand?.name].filter((n): n is string => !!n).map((n) => n.toLowerCase());
  const shots: ShotCue[] = [];
  const moodWords = splitWords(brief.tone ?? '');
  let subject: string | null = null;
  let continuousOutsideShots = false;

  // A clause that is only a transition ('Fade to black.') asks for it into the next shot described.
  // It is read before the shot's beat, which 'Fade to white and end on the logo' would otherwise hide.
  let pending: AskedTransition | null = null;
  for (const clause of clauses) {
    if (isFormatClause(clause)) {
      subject ??= subjectOf(clause);
      continuousOutsideShots ||= CONTINUOUS.test(clause);
    } else if (isDescriptorClause(clause)) {
      moodWords.push(...splitWords(clause));
    } else {
      const dip = dipOf(clause);
      const rest = dip ? clause.replace(DIP_PHRASE, '') : clause;
      if (dip && !rest) {
        pending = dip;
        continue;
      }
      const shot = readShot(rest, beatFor(rest, shots, names));
      shots.push({ ...shot, transition: dip ?? shot.transition ?? pending });
      pending = null;
    }
  }
  // Left over at the end, it is how the ad closes: into the end card.
  if (pending) shots.push({ ...readShot('', 'end-card'), transition: pending });

  const body = shots.filter((s) => s.beat !== 'end-card');
  const tagline = quotes.find((q) => q.length <= MAX_TAGLINE_CHARS) ?? null;
  return {
    tone: classifyTone(brief.tone, brief.style, brief.brief),
    moodWords: [...new Set(moodWords.map((w) => w.toLowerCase()))].slice(0, 6),
    subject: subject ? fitText(restoreQuotes(subject, quotes), 120) : null,
    tagline,
    shots,
    wholeAdContinuous: continuousOutsideShots || (body.length === 1 && body[0].continuous),
  };
}

function trimClause(clause: string): string {
  return clause
    .replace(/^[\s,;:–—-]+/, '')
    .replace(/^(?:and\s+|but\s+)?then\b,?\s*/i, '')
    .replace(/[\s.!?,;:–—-]+$/, '')
    .trim();
}

function isFormatClause(clause: string): boolean {
  const opening = clause.split(/\s+/).slice(0, 6).join(' ');
  return FORMAT_WORDS.test(clause) || (AD_WORDS.test(opening) && !SHOT_VERBS.test(clause));
}

/** 'Calm, hopeful, sunlit.' describes the whole ad rather than a shot. */
function isDescriptorClause(clause: string): boolean {
  if (SHOT_VERBS.test(clause) || HAS_PLACEHOLDER.test(clause)) return false;
  const items = clause.split(/\s*,\s*|\s+and\s+/);
  const shortItems = items.every((item) => /^[a-z][a-z'-]*(?:\s[a-z][a-z'-]*)?$/i.test(item));
  return shortItems && (items.length >= 2 || clause.split(/\s+/).length <= 2);
}

function splitWords(text: string): string[] {
  return text
    .split(/\s*,\s*|\s+and\s+|\s*\/\s*/)
    .map((w) => fitText(w, 40))
    .filter(Boolean);
}

function subjectOf(clause: string): string | null {
  const match = /\b(?:for|about|promoting|introducing|showcasing|launching)\s+(.+)$/i.exec(clause);
  return match ? match[1].trim() || null : null;
}

function restoreQuotes(text: string, quotes: readonly string[]): string {
  return text.replace(PLACEHOLDER, (_all, i: string) => `'${quotes[Number(i)]}'`);
}

function beatFor(clause: string, earlier: readonly ShotCue[], names: readonly string[]): AdBeat {
  if (END.test(clause)) return 'end-card';
  if (PROBLEM.test(clause)) return 'problem';
  if (BENEFIT.test(clause)) return 'benefit';
  const lower = clause.toLowerCase();
  if (PRODUCT.test(clause) || names.some((n) => lower.includes(n))) return 'product';
  const last = earlier.filter((s) => s.beat !== 'end-card').at(-1);
  return last ? NEXT_BEAT[last.beat] : 'hook';
}

function dipOf(clause: string): AskedTransition | null {
  const to = DIP.exec(clause)?.[1]?.toLowerCase();
  return to === 'black' ? 'dip-to-black' : to === 'white' ? 'dip-to-white' : null;
}

function readShot(clause: string, beat: AdBeat): ShotCue {
  const transition = /\b(?:(?:hard|smash|quick|jump)\s+cut|cuts?\s+to)\b/i.test(clause)
    ? 'cut'
    : /\b(?:dissolves?|cross-?fades?|fades?)\b/i.test(clause)
      ? 'crossfade'
      : null;
  const text = fitText(
    clause
      .replace(QUOTE_PHRASE, '')
      .replace(CONTINUOUS_PHRASE, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(OPENING_VERBS, '')
      .replace(TRANSITION_INTO, '')
      .replace(/^[\s,;:–—-]+|[\s,;:–—-]+$/g, '')
      .replace(SENTENCE_START, (word) => word.toLowerCase()),
    MAX_CUE_CHARS,
  );
  const journey = JOURNEY.exec(text);
  const trouble = TROUBLE.exec(text);
  return {
    text,
    beat,
    continuous: CONTINUOUS.test(clause),
    transition,
    camera: CAMERA_WORDS.find(([, pattern]) => pattern.test(clause))?.[0] ?? null,
    journey: journey && journey[2] && journey[3] ? { action: journey[1], from: journey[2], to: journey[3] } : null,
    setting: trouble ? trouble[1] : null,
    trouble: trouble ? trouble[2] : null,
  };
}
