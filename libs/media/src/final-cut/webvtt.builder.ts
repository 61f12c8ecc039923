import { normaliseText } from './text-layout.util';

export interface CaptionCue {
  startSec: number;
  endSec: number;
  text: string;
}

/** HH:MM:SS.mmm, the one timestamp form every WebVTT reader accepts. */
export function vttTime(sec: number): string {
  const ms = Math.max(0, Math.round(sec * 1000));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor((ms % 3_600_000) / 60_000))}:${pad(
    Math.floor((ms % 60_000) / 1000),
  )}.${pad(ms % 1000, 3)}`;
}

/**
 * Cue text as data: `&`, `<` and `>` escaped (so no tag or `-->` can form), and no blank line,
 * which would end the cue early; the text's own line breaks are kept.
 */
export function escapeVttText(text: string): string {
  return normaliseText(text)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n')
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}

/** A WebVTT file of `cues` in start order (ties by end); empty and zero-length cues are left out. */
export function buildWebVtt(cues: readonly CaptionCue[]): string {
  const blocks = cues
    .map((cue, order) => ({ ...cue, text: escapeVttText(cue.text), order }))
    .filter((cue) => cue.text && Math.round(cue.endSec * 1000) > Math.round(cue.startSec * 1000))
    .sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec || a.order - b.order)
    .map((cue) => `${vttTime(cue.startSec)} --> ${vttTime(cue.endSec)}\n${cue.text}`);
  return ['WEBVTT', ...blocks].join('\n\n') + '\n';
}
