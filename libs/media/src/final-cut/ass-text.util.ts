import { normaliseText } from './text-layout.util';

/** Pieces every ASS file we write is made of: inert user text, safe style fields, times and colours. */
const WORD_JOINER = '\u2060';
const FALLBACK_FONT = 'DejaVu Sans';

/**
 * User text made inert for libass: `{` `}` would open override blocks and `\` starts escapes
 * (`\N`, `\h`, `\{`), so braces are escaped and every backslash is followed by an invisible word
 * joiner, which breaks any escape it could start (the way mpv escapes OSD text). Newlines become
 * `\N`; every other character, emoji and right-to-left scripts included, passes through.
 */
export function escapeAssText(text: string): string {
  let out = '';
  for (const ch of normaliseText(text)) {
    if (ch === '\\') out += `\\${WORD_JOINER}`;
    else if (ch === '{') out += '\\{';
    else if (ch === '}') out += '\\}';
    else if (ch === '\n') out += '\\N';
    else out += ch;
  }
  return out;
}

/** A font name is a field in a comma-separated style line; keep it to what can stand there. */
export function safeFontName(name: string): string {
  const cleaned = normaliseText(name)
    .replace(/[,{}\\\n]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned || FALLBACK_FONT;
}

export function assTime(sec: number): string {
  const cs = Math.max(0, Math.round(sec * 100));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${h}:${pad(m)}:${pad(s)}.${pad(cs % 100)}`;
}

const HEX = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/;

/** `#RRGGBB` as ASS `&HAABBGGRR`; alpha 0 is opaque. */
export function assColour(hex: string, alpha = 0): string {
  const m = HEX.exec(hex);
  if (!m) throw new RangeError(`not a #RRGGBB colour: ${JSON.stringify(hex)}`);
  const a = Math.round(Math.min(255, Math.max(0, alpha)))
    .toString(16)
    .padStart(2, '0');
  return `&H${a}${m[3]}${m[2]}${m[1]}`.toUpperCase();
}

/** Relative luminance (WCAG) of `#RRGGBB`; 1 for anything else. */
export function luminance(hex: string): number {
  const m = HEX.exec(hex);
  if (!m) return 1;
  const [r, g, b] = [m[1], m[2], m[3]].map((c) => {
    const v = parseInt(c, 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
