import { type AspectRatio } from '@app/domain';

/** A stretch of the text that states something, kept verbatim so notes and rewrites can quote it. */
export interface Mention<T> {
  value: T;
  said: string;
  index: number;
}

export interface DurationMention extends Mention<number> {
  /** '30-second' describes a noun; '30 seconds' does not: a rewrite keeps the same shape. */
  adjective: boolean;
}

export interface AspectMention extends Mention<AspectRatio> {
  /** 'token' is '9:16', 'word' is 'vertical', 'platform' is 'TikTok': only the first two are rewritten. */
  form: 'token' | 'word' | 'platform';
}

// An opening quote follows a space or punctuation and a closing one ends a word, so "don't" stays inside.
const QUOTE = /(^|[\s(:,])(['‘"“])(.{1,200}?)(['’"”])(?=$|[\s.,;:!?)])/g;

export interface Quote {
  /** Where the quote mark opens and where the closing mark ends. */
  start: number;
  end: number;
  inner: string;
}

export function findQuotes(text: string): Quote[] {
  return [...text.matchAll(QUOTE)].map((m) => {
    const start = m.index + m[1].length;
    return { start, end: start + m[0].length - m[1].length, inner: m[3].trim() };
  });
}

/** Sentences, with quoted lines kept whole even when they hold a full stop of their own. */
export function splitSentences(text: string): string[] {
  // Same-length masking keeps offsets; a quote ending in a full stop still ends its sentence.
  const masked = findQuotes(text).reduce((acc, q) => {
    const body = text.slice(q.start + 1, q.end - 1);
    const stop = /[.!?]$/.test(body) ? body.slice(-1) : '_';
    return acc.slice(0, q.start + 1) + '_'.repeat(body.length - 1) + stop + acc.slice(q.end - 1);
  }, text);
  const sentences: string[] = [];
  let from = 0;
  for (const m of masked.matchAll(/[.!?]['’"”]?\s+(?=[A-Z0-9'‘"“])/g)) {
    sentences.push(text.slice(from, m.index + m[0].trimEnd().length).trim());
    from = m.index + m[0].length;
  }
  sentences.push(text.slice(from).trim());
  return sentences.filter(Boolean);
}

const UNITS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const WORD_NUMBER = `(?:(?:${TENS.slice(2).join('|')})(?:[\\s-](?:${UNITS.slice(1, 10).join('|')}))?|${UNITS.slice(1).join('|')})`;
const NUMBER = `(\\d+(?:\\.\\d+)?|${WORD_NUMBER}|an?)`;

function numberValue(said: string): number {
  const word = said.toLowerCase();
  if (/^\d/.test(word)) return Number(word);
  if (word === 'a' || word === 'an') return 1;
  const [tens, unit] = word.split(/[\s-]/);
  const t = TENS.indexOf(tens);
  return t >= 2 ? t * 10 + (unit ? UNITS.indexOf(unit) : 0) : UNITS.indexOf(word);
}

const DURATION_PATTERNS: ReadonlyArray<{ pattern: RegExp; seconds: (m: RegExpExecArray) => number | null }> = [
  { pattern: /\b(?:a|one)\s+minute\s+and\s+a\s+half\b/gi, seconds: () => 90 },
  { pattern: /\bhalf(?:\s+an?\s+|-)minute\b/gi, seconds: () => 30 },
  {
    pattern: new RegExp(`(?<![\\w.])${NUMBER}(\\s*-\\s*|\\s+)(?:minutes?|mins?)\\b`, 'gi'),
    seconds: (m) => numberValue(m[1]) * 60,
  },
  {
    pattern: new RegExp(`(?<![\\w.:])${NUMBER}(\\s*-\\s*|\\s*)(seconds?|secs?|s)\\b(?![:'’])`, 'gi'),
    seconds: (m) => {
      const [, said, sep, unit] = m;
      if (/^an?$/i.test(said)) return null;
      if (unit.toLowerCase() === 's') {
        // '30s' is also a decade or an age ('adults in their 30s'); a bare 's' needs digits and no such lead-in.
        if (!/^\d/.test(said) || sep.includes('-')) return null;
        if (/\b(?:their|the|early|late|mid|his|her|your|our)[\s-]*$/i.test(m.input.slice(0, m.index))) return null;
      } else if (!/^\d/.test(said) && sep === '') return null;
      return numberValue(said);
    },
  },
];

/** Every length the text states, in order: '15 s', '30-second', 'half a minute', 'a one-minute spot'. */
export function findDurations(text: string): DurationMention[] {
  const found: DurationMention[] = [];
  for (const { pattern, seconds } of DURATION_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const value = seconds(m as RegExpExecArray);
      if (value === null || !Number.isFinite(value)) continue;
      const overlaps = found.some((f) => m.index < f.index + f.said.length && f.index < m.index + m[0].length);
      if (overlaps) continue;
      found.push({
        value,
        said: m[0],
        index: m.index,
        adjective: /(?:-\s*|half-)(?:minutes?|mins?|seconds?|secs?)\b/i.test(m[0]),
      });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

export function parseDuration(text: string): DurationMention | null {
  return findDurations(text)[0] ?? null;
}

const ASPECT_PATTERNS: ReadonlyArray<readonly [AspectRatio, AspectMention['form'], RegExp]> = [
  ['9:16', 'token', /(?<![\d.:])9\s*[:x×/]\s*16(?![\d.:])/g],
  ['1:1', 'token', /(?<![\d.:])1\s*[:x×/]\s*1(?![\d.:])/g],
  ['16:9', 'token', /(?<![\d.:])16\s*[:x×/]\s*9(?![\d.:])/g],
  ['9:16', 'word', /\b(?:vertical|portrait)\b/gi],
  ['1:1', 'word', /\bsquare\b/gi],
  ['16:9', 'word', /\b(?:landscape|horizontal|wide-?screen)\b/gi],
  [
    '9:16',
    'platform',
    /\b(?:tik\s?tok|(?:instagram|ig|facebook|fb|snapchat)\s+(?:reels?|stories|story)|reels|youtube\s+shorts|snapchat)\b/gi,
  ],
  // 'feed' alone is also a verb ('feed the family'), so it needs a platform or article before it.
  [
    '1:1',
    'platform',
    /\b(?:(?:instagram|ig|facebook|fb|social|in)[\s-]?feed|(?:the|a|for)\s+feed(?!\s+(?:the|them|your|my|our|his|her|their|a|an)\b))\b/gi,
  ],
  ['16:9', 'platform', /\b(?:tv|television|youtube|cinema|broadcast)\b/gi],
];

/** Every format the text states, in order: '9:16', 'vertical', 'for TikTok', 'square', 'TV spot'. */
export function findAspects(text: string): AspectMention[] {
  const found: AspectMention[] = [];
  for (const [value, form, pattern] of ASPECT_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      if (value === '16:9' && form === 'platform' && /youtube\s+shorts/i.test(text.slice(m.index, m.index + 16))) {
        continue;
      }
      found.push({ value, form, said: m[0], index: m.index });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

export function parseAspectRatio(text: string): AspectMention | null {
  return findAspects(text)[0] ?? null;
}

const CTA_LEAD =
  /\b(?:end(?:s|ing)?\s+(?:on|with)|clos(?:e|es|ing)\s+(?:on|with)|cta|call[\s-]to[\s-]action)\b\s*(?:(?:is|should be|reads?|says?|:|-|–)\s*)?/gi;

/**
 * The call to action a text states: a quoted line after 'end on' / 'CTA' / 'call to action' in the
 * same sentence, or the rest of the sentence after 'CTA:' / 'call to action:'.
 */
export function parseCallToAction(text: string): Mention<string> | null {
  const quotes = findQuotes(text);
  for (const m of text.matchAll(CTA_LEAD)) {
    const after = m.index + m[0].length;
    const quote = quotes.find((q) => q.start >= after && !/[.!?]\s/.test(text.slice(after, q.start)));
    if (quote && quote.inner)
      return { value: quote.inner, said: text.slice(quote.start, quote.end), index: quote.start };
    if (/\b(?:cta|action)\b\s*(?::|-|–|is)\s*$/i.test(m[0])) {
      const rest = /^[^'‘"“].*?(?:[.!?](?=\s|$)|$)/.exec(text.slice(after));
      const value = rest?.[0].trim();
      if (value) return { value, said: value, index: after };
    }
  }
  return null;
}
