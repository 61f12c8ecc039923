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
