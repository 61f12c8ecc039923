import { type AspectRatio } from '@app/domain';
import { capitalise } from '../text';
import { findAspects, findDurations, type Mention } from './ad-format.parser';

export interface Rewrite {
  text: string;
  /** What was replaced, e.g. ["'30-second' → '15-second'"], for the change list. */
  replaced: string[];
}

/** Restates every mention of `fromSec` as `toSec`, keeping each one's shape ('30-second' → '15-second'). */
export function rewriteDurations(text: string, fromSec: number, toSec: number): Rewrite {
  return rewrite(
    text,
    findDurations(text).filter((m) => m.value === fromSec),
    (m) => {
      if (/^\d/.test(m.said) && /(?:seconds?|secs?|s)$/i.test(m.said))
        return m.said.replace(/^\d+(?:\.\d+)?/, String(toSec));
      return m.adjective ? `${toSec}-second` : `${toSec} seconds`;
    },
  );
}

const FORMAT_NOUN =
  /^\s+(?:[\w-]+\s+)?(?:ad|ads|advert|advertisement|commercial|spot|promo|video|cut|version|format|frame|edit|clip|film|teaser|bumper|post)\b/i;
const FORMAT_WORD: Record<AspectRatio, string> = { '9:16': 'vertical', '1:1': 'square', '16:9': 'widescreen' };

/**
 * Restates '16:9' tokens and format words that describe the ad ('vertical social ad') as the new format.
 * Platform names are left alone: 'for TikTok' is where it runs, which a format change does not move.
 */
export function rewriteAspects(text: string, from: AspectRatio, to: AspectRatio): Rewrite {
  const mentions = findAspects(text).filter(
    (m) =>
      m.value === from &&
      (m.form === 'token' || (m.form === 'word' && FORMAT_NOUN.test(text.slice(m.index + m.said.length)))),
  );
  return rewrite(text, mentions, (m) => {
    if (/^\d/.test(m.said)) return to;
    const word = FORMAT_WORD[to];
    return /^[A-Z]/.test(m.said) ? capitalise(word) : word;
  });
}

function rewrite<M extends Mention<unknown>>(text: string, mentions: readonly M[], restate: (m: M) => string): Rewrite {
  let out = '';
  let last = 0;
  const replaced: string[] = [];
  for (const m of mentions) {
    const next = restate(m);
    out += text.slice(last, m.index) + next;
    last = m.index + m.said.length;
    replaced.push(`'${m.said}' → '${next}'`);
  }
  return { text: out + text.slice(last), replaced };
}
