import { findAspects, findQuotes, parseDuration, type Quote } from './ad-format.parser';
import { type PromptEdit, type SceneLook, type SceneRef, type ToneTarget } from './prompt-edit';

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
const CARDINALS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const REF = `(\\d{1,2}|${CARDINALS.join('|')}|last|final|closing|opening)`;
const ORDINAL_REF = `(\\d{1,2}(?:st|nd|rd|th)|${ORDINALS.join('|')}|last|final|closing|opening)`;
const SCENE_LIST = new RegExp(
  `\\bscenes?\\s+${REF}((?:\\s*(?:,|&|and|to|through|-|–)\\s*(?:scene\\s+)?${REF})*)\\b`,
  'gi',
);
const SCENE_ORDINAL = new RegExp(`\\b(?:the\\s+)?${ORDINAL_REF}\\s+scene\\b`, 'gi');
const SCENE_LEAD = new RegExp(
  `^(?:(?:with|and)\\s+)?(?:scenes?\\s+${REF}|(?:the\\s+)?${ORDINAL_REF}\\s+scene)\\b`,
  'i',
);

const LOOKS: ReadonlyArray<readonly [SceneLook, RegExp]> = [
  ['night', /\b(?:at\s+night|night-?time|by\s+night|nocturnal|night)\b/i],
  ['sunset', /\b(?:sunset|golden\s+hour|dusk|sundown)\b/i],
  ['rain', /\b(?:in\s+the\s+rain|rainy|raining|rain|downpour)\b/i],
  ['day', /\b(?:day-?time|daylight|by\s+day|during\s+the\s+day|in\s+the\s+day|day)\b/i],
];
const WHOLE_AD =
  /\b(?:it|everything|all(?:\s+the)?\s+scenes|every\s+scene|(?:the\s+)?whole\s+(?:ad|thing|video|spot|storyboard)|the\s+(?:ad|video|spot|storyboard))\b/i;

// Negations first: 'less calm' asks for more energy and must not read as 'calm'.
const TONES: ReadonlyArray<readonly [ToneTarget, RegExp]> = [
  ['energetic', /\bless\s+(?:calm|relaxed|gentle|slow|sleepy)\b/i],
  ['calm', /\bless\s+(?:energetic|intense|frantic|busy|hectic|fast|loud)\b/i],
  [
    'calm',
    /\b(?:calm(?:er)?|slower|gentler|softer|more\s+relaxed|relaxing|soothing|tone\s+it\s+down|more\s+peaceful|quieter|mellow(?:er)?|chill(?:er)?)\b/i,
  ],
  [
    'energetic',
    /\b(?:energetic|more\s+energy|faster|punchier|more\s+exciting|more\s+dynamic|livelier|more\s+lively|upbeat|pump\s+it\s+up|high-energy|more\s+intense|bolder|snappier|pacier)\b/i,
  ],
  ['playful', /\b(?:playful|more\s+fun|funnier|sillier|more\s+whimsical|cheekier)\b/i],
  ['elegant', /\b(?:elegant|premium|luxurious|classier|sophisticated|more\s+refined)\b/i],
  ['hopeful', /\b(?:hopeful|warmer|uplifting|more\s+optimistic|more\s+heartfelt|more\s+inspiring)\b/i],
];

const TEXT_WORDS = /\b(?:on-?\s?screen\s+text|text|caption|overlay|super|words|title\s+card)\b/i;
const SAYS = /\b(?:say|says|read|reads)\b/i;
const CLEAR = /\b(?:remove|delete|clear|drop|no)\b/i;
const CTA_WORDS = /\b(?:call[\s-]to[\s-]action|cta)\b/i;
const SWAP = /\b(?:swap|switch|exchange|flip|trade)\b/i;
const REMOVE = /\b(?:remove|delete|drop|cut|get\s+rid\s+of|lose|skip)\b/i;
const VALUE_LEAD = /(?:\s(?:to|say|says|read|reads|with|as)\s+|:\s*)/i;

const MAX_PARTS = 12;

/**
 * Reads a person's edit request into edits, or null when any part of it is not understood (so nothing
 * half-applies). 'make it 15 seconds and vertical' is two edits, applied in order.
 */
export function parseEditRequest(request: string): PromptEdit[] | null {
  const text = request.replace(/\s+/g, ' ').trim();
  if (!text) return null;
  const quotes = findQuotes(text);
  const masked = mask(text, quotes);
  const parts = splitParts(masked);
  if (!parts.length || parts.length > MAX_PARTS) return null;
  const parseSpan = (i: number, j: number) => {
    const [start, end] = [parts[i][0], parts[j - 1][1]];
    const inside = quotes.filter((q) => q.start >= start && q.end <= end);
    return parsePart(text.slice(start, end), masked.slice(start, end), inside);
  };
  // Shortest parts first. A part joins the one before only when it names more scenes for it ('swap scene 1
  // and scene 4'), so 'make scene 2 at night and scene 3 at sunset' is two edits, and a part nobody can
  // read ('... and sparkly') fails the request instead of riding along unread.
  const namesScenes = (k: number) => SCENE_LEAD.test(masked.slice(parts[k][0], parts[k][1]));
  const parseFrom = (i: number): PromptEdit[] | null => {
    if (i === parts.length) return [];
    for (let j = i + 1; j <= parts.length; j++) {
      if (j - 1 > i && !namesScenes(j - 1)) break;
      const edit = parseSpan(i, j);
      const rest = edit && parseFrom(j);
      if (edit && rest) return [edit, ...rest];
    }
    return null;
  };
  return parseFrom(0);
}

/** Quoted text is data: masking it keeps 'Make it pop' inside a call to action from reading as a request. */
function mask(text: string, quotes: readonly Quote[]): string {
  return quotes.reduce(
    (acc, q) => acc.slice(0, q.start) + '\u27e6'.padEnd(q.end - q.start, '_') + acc.slice(q.end),
    text,
  );
}

const PART_BREAK = new RegExp(
  [
    '\\s*;\\s*',
    '[.!?]\\s+(?=\\S)',
    // 'scenes 2 and 3' is one list.
    `,?\\s+and\\s+(?:then\\s+)?(?!(?:\\d|(?:${CARDINALS.join('|')})\\b))`,
    ',\\s*then\\s+',
    ',\\s+(?=(?:make|set|change|remove|delete|drop|swap|switch|cut|put|turn|use|shorten|lengthen)\\b)',
  ].join('|'),
  'gi',
);

function splitParts(masked: string): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let from = 0;
  for (const m of masked.matchAll(PART_BREAK)) {
    parts.push([from, m.index]);
    from = m.index + m[0].length;
  }
  parts.push([from, masked.length]);
  return parts.filter(([a, b]) => masked.slice(a, b).replace(/[\s.!?]+/g, '').length > 0);
}

function parsePart(text: string, masked: string, quotes: readonly Quote[]): PromptEdit | null {
  const refs = sceneRefs(masked);
  const quoted = quotes[0]?.inner;
  const valueAfter = (pattern: RegExp) => {
    const at = masked.search(pattern);
    if (at < 0) return null;
    const lead = VALUE_LEAD.exec(masked.slice(at));
    return lead ? text.slice(at + lead.index + lead[0].length).trim() || null : null;
  };

  if (SWAP.test(masked) && refs.length === 2) return { kind: 'swap-scenes', scenes: [refs[0], refs[1]] };

  if (refs.length === 1 && (TEXT_WORDS.test(masked) || SAYS.test(masked))) {
    const value = quoted ?? valueAfter(new RegExp(`${SCENE_LIST.source}|${SCENE_ORDINAL.source}`, 'i'));
    if (value !== null && value !== undefined) return { kind: 'on-screen-text', scene: refs[0], text: value };
    if (CLEAR.test(masked)) return { kind: 'on-screen-text', scene: refs[0], text: '' };
    return null;
  }

  if (CTA_WORDS.test(masked) && !refs.length) {
    const value = quoted ?? valueAfter(CTA_WORDS);
    return value ? { kind: 'call-to-action', text: value } : null;
  }

  if (REMOVE.test(masked) && refs.length && !/\bto\s+\d/.test(masked)) return { kind: 'remove-scenes', scenes: refs };

  const look = LOOKS.map(([kind, pattern]) => ({ kind, at: masked.search(pattern) }))
    .filter((l) => l.at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  if (look && (refs.length || WHOLE_AD.test(masked))) {
    return { kind: 'look', look: look.kind, scenes: refs.length ? refs : 'all' };
  }
  if (refs.length) return null;

  const duration = parseDuration(masked);
  if (duration) return { kind: 'duration', sec: duration.value };
  const aspect = findAspects(masked)[0];
  if (aspect) return { kind: 'aspect', ratio: aspect.value };
  const tone = TONES.find(([, pattern]) => pattern.test(masked));
  return tone ? { kind: 'tone', tone: tone[0] } : null;
}

/** Scenes a request names, in order: 'scene 2', 'scenes 2 and 3', 'scenes 2-4', 'the last scene'. */
export function sceneRefs(text: string): SceneRef[] {
  const found: Array<{ at: number; refs: SceneRef[] }> = [];
  for (const m of text.matchAll(SCENE_LIST)) {
    const refs: SceneRef[] = [refOf(m[1])];
    const rest = m[2] ?? '';
    for (const part of rest.matchAll(new RegExp(`(,|&|and|to|through|-|–)\\s*(?:scene\\s+)?${REF}`, 'gi'))) {
      const next = refOf(part[2]);
      const prev = refs[refs.length - 1];
      if (/^(?:to|through|-|–)$/i.test(part[1]) && typeof prev === 'number' && typeof next === 'number') {
        for (let n = prev + 1; n <= next; n++) refs.push(n);
      } else refs.push(next);
    }
    found.push({ at: m.index, refs });
  }
  for (const m of text.matchAll(SCENE_ORDINAL)) found.push({ at: m.index, refs: [refOf(m[1])] });
  // Repeats are kept: 'swap scenes 2 and 2' must reach the editor to be refused, not become 'scene 2'.
  return found.sort((a, b) => a.at - b.at).flatMap((f) => f.refs);
}

function refOf(word: string): SceneRef {
  const w = word.toLowerCase();
  if (w === 'last' || w === 'final' || w === 'closing') return 'last';
  if (w === 'opening') return 1;
  if (/^\d/.test(w)) return parseInt(w, 10);
  const ordinal = ORDINALS.indexOf(w);
  return ordinal >= 0 ? ordinal + 1 : CARDINALS.indexOf(w) + 1;
}
