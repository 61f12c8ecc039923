import { formatSeconds } from '../ffmpeg/filter-syntax.util';
import { concatFileLine, CUT_GOP_SEC } from './final-cut.builder';

/** A stretch of the ad, in seconds. */
export interface CutWindow {
  startSec: number;
  endSec: number;
}

/** Re-encoding more than this share of the ad saves too little over encoding all of it. */
const MAX_PATCH_SHARE = 0.6;

const DIALOGUE = /^Dialogue:\s*[^,]*,(\d+):(\d{2}):(\d{2})\.(\d{2}),(\d+):(\d{2}):(\d{2})\.(\d{2}),/;

function assSeconds(h: string, m: string, s: string, cs: string): number {
  return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(cs) / 100;
}

/** An ASS script split into everything but its events (styles, play size) and its Dialogue lines. */
function splitAss(ass: string): { head: string; events: string[] } {
  const lines = ass.split(/\r?\n/);
  return {
    head: lines.filter((l) => !l.startsWith('Dialogue:')).join('\n'),
    events: lines.filter((l) => l.startsWith('Dialogue:')),
  };
}

/**
 * Where two ASS scripts of the same picture draw differently: the span of every Dialogue line one
 * has and the other has not. 'same' when they draw the same; null when more than the lines changed
 * (styles, play size), or a changed line's time cannot be read: then the whole ad is drawn again.
 */
export function changedTextWindow(previous: string | null, next: string | null): CutWindow | 'same' | null {
  if (previous === null || next === null) return previous === next ? 'same' : null;
  const a = splitAss(previous);
  const b = splitAss(next);
  if (a.head !== b.head) return null;
  const kept = new Set(a.events);
  const made = new Set(b.events);
  const changed = [...a.events.filter((e) => !made.has(e)), ...b.events.filter((e) => !kept.has(e))];
  if (!changed.length) return 'same';
  let startSec = Infinity;
  let endSec = -Infinity;
  for (const line of changed) {
    const t = DIALOGUE.exec(line);
    if (!t) return null;
    startSec = Math.min(startSec, assSeconds(t[1], t[2], t[3], t[4]));
    endSec = Math.max(endSec, assSeconds(t[5], t[6], t[7], t[8]));
  }
  return { startSec, endSec };
}

/**
 * The whole GOPs of an earlier cut (an IDR every CUT_GOP_SEC) that cover `changed`, within the
 * ad; null when they would be most of the ad, which is then encoded whole.
 */
export function patchWindow(changed: CutWindow, totalSec: number, gopSec = CUT_GOP_SEC): CutWindow | null {
  const startSec = Math.max(0, Math.floor(changed.startSec / gopSec) * gopSec);
  const endSec = Math.min(totalSec, Math.ceil(changed.endSec / gopSec) * gopSec);
  if (endSec <= startSec || endSec - startSec > totalSec * MAX_PATCH_SHARE) return null;
  return { startSec, endSec };
}

/**
 * The ffconcat list of a patched cut: the earlier cut's packets up to the window, the re-encoded
 * window, and the earlier cut's packets after it (both cut at its IDR frames).
 */
export function buildPatchJoinList(
  previousPath: string,
  patchPath: string,
  window: CutWindow,
  totalSec: number,
): string {
  const lines = ['ffconcat version 1.0'];
  if (window.startSec > 0) lines.push(concatFileLine(previousPath), `outpoint ${formatSeconds(window.startSec)}`);
  lines.push(concatFileLine(patchPath));
  if (window.endSec < totalSec) lines.push(concatFileLine(previousPath), `inpoint ${formatSeconds(window.endSec)}`);
  return [...lines, ''].join('\n');
}
