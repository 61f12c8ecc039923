/**
 * Width estimates for laying out text before a renderer sees it. drawtext cannot wrap at all and
 * this libass build breaks lines only at spaces, so long lines and space-less runs (CJK, URLs)
 * are broken here. Estimates are deliberately generous; a line a little short is harmless.
 */

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Advance of one character in em: 1 for CJK, fullwidth and emoji, `narrowEm` otherwise. */
export function charWidthEm(ch: string, narrowEm: number): number {
  return isWide(ch.codePointAt(0) ?? 0) ? 1 : narrowEm;
}

/** Estimated width of `text` in em. */
export function widthEm(text: string, narrowEm: number): number {
  let sum = 0;
  for (const ch of text) sum += charWidthEm(ch, narrowEm);
  return sum;
}

/** Splits a space-less run into pieces no wider than `maxEm`. */
function breakRun(run: string, maxEm: number, narrowEm: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let width = 0;
  for (const ch of run) {
    const w = charWidthEm(ch, narrowEm);
    if (piece && width + w > maxEm) {
      pieces.push(piece);
      piece = '';
      width = 0;
    }
    piece += ch;
    width += w;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** Newlines of any kind as `\n`, other control characters as spaces. */
export function normaliseText(text: string): string {
  let out = '';
  for (const ch of text.replace(/\r\n|\r|\u2028|\u2029/g, '\n')) {
    const code = ch.charCodeAt(0);
    out += ch !== '\n' && (code < 0x20 || code === 0x7f) ? ' ' : ch;
  }
  return out;
}

/** Greedy word wrap to `maxEm` per line; words longer than a line are broken between characters. */
export function wrapText(text: string, maxEm: number, narrowEm: number): string[] {
  const lines: string[] = [];
  for (const paragraph of normaliseText(text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (widthEm(candidate, narrowEm) <= maxEm) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      const pieces = breakRun(word, maxEm, narrowEm);
      line = pieces.pop() ?? '';
      lines.push(...pieces);
    }
    lines.push(line);
  }
  return lines;
}

/** Leaves spaces for the renderer to wrap at and only breaks runs that could never fit on a line. */
export function breakLongRuns(text: string, maxEm: number, narrowEm: number): string {
  return normaliseText(text)
    .split('\n')
    .map((paragraph) =>
      paragraph
        .split(' ')
        .map((run) => (widthEm(run, narrowEm) > maxEm ? breakRun(run, maxEm, narrowEm).join('\n') : run))
        .join(' '),
    )
    .join('\n');
}

/**
 * Advances of DejaVu Sans for ' '..'~' in hundredths of an em, rounded up, read from the fonts'
 * hmtx tables: Bold (scene text, headline, call to action) and Book (compliance, watermark).
 */
const ASCII_ADVANCE = {
  bold: [
    35, 46, 53, 84, 70, 101, 88, 31, 46, 46, 53, 84, 38, 42, 38, 37, 70, 70, 70, 70, 70, 70, 70, 70, 70, 70, 40, 40, 84,
    84, 84, 59, 100, 78, 77, 74, 84, 69, 69, 83, 84, 38, 38, 78, 64, 100, 84, 86, 74, 86, 78, 73, 69, 82, 78, 111, 78,
    73, 73, 46, 37, 46, 84, 50, 50, 68, 72, 60, 72, 68, 44, 72, 72, 35, 35, 67, 35, 105, 72, 69, 72, 72, 50, 60, 48, 72,
    66, 93, 65, 66, 59, 72, 37, 72, 84,
  ],
  regular: [
    32, 41, 46, 84, 64, 96, 78, 28, 40, 40, 50, 84, 32, 37, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 34, 34, 84,
    84, 84, 54, 100, 69, 69, 70, 78, 64, 58, 78, 76, 30, 30, 66, 56, 87, 75, 79, 61, 79, 70, 64, 62, 74, 69, 99, 69, 62,
    69, 40, 34, 40, 84, 50, 50, 62, 64, 55, 64, 62, 36, 64, 64, 28, 28, 58, 28, 98, 64, 62, 64, 64, 42, 53, 40, 64, 60,
    82, 60, 60, 53, 64, 34, 64, 84,
  ],
};

export type FontWeight = keyof typeof ASCII_ADVANCE;

/**
 * Estimated advance of one character of DejaVu Sans in em. Outside ASCII the estimate is
 * deliberately wide (Cyrillic capitals, Arabic and missing-glyph boxes all stay under 1 em, a few
 * Latin ligatures excepted), because a line estimated too narrow is a line libass cuts off.
 * Bold is the default: it is the wider face, so it errs the safe way for either.
 */
export function glyphWidthEm(ch: string, weight: FontWeight = 'bold'): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp >= 0x20 && cp <= 0x7e) return ASCII_ADVANCE[weight][cp - 0x20] / 100;
  if (cp >= 0x300 && cp <= 0x36f) return 0;
  if (cp >= 0xa0 && cp <= 0x24f) return 0.9;
  return 1;
}

/** Greedy wrap by `measure` (em per character) to `maxEm`; words wider than a line are broken between characters. */
export function wrapMeasured(text: string, maxEm: number, measure: (ch: string) => number): string[] {
  const width = (s: string) => [...s].reduce((sum, ch) => sum + measure(ch), 0);
  const lines: string[] = [];
  for (const paragraph of normaliseText(text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (width(candidate) <= maxEm) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      const pieces: string[] = [];
      let piece = '';
      let pieceEm = 0;
      for (const ch of word) {
        const em = measure(ch);
        if (piece && pieceEm + em > maxEm) {
          pieces.push(piece);
          piece = '';
          pieceEm = 0;
        }
        piece += ch;
        pieceEm += em;
      }
      line = piece;
      lines.push(...pieces);
    }
    lines.push(line);
  }
  return lines;
}

/** Estimated width of `text` in em by `glyphWidthEm`. */
export function textWidthEm(text: string, weight: FontWeight = 'bold'): number {
  let sum = 0;
  for (const ch of text) sum += glyphWidthEm(ch, weight);
  return sum;
}
