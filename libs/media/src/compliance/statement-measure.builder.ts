import { join } from 'node:path';
import { type FfmpegCommand } from '../ffmpeg/ffmpeg-command.types';
import { formatSeconds } from '../ffmpeg/filter-syntax.util';
import { type StatementStems } from '../final-cut/final-cut.types';
import { type Rect } from '../final-cut/statement-type.builder';

/**
 * Measuring the major statement (issue 17) on what was really made: the audio stems pass 1 wrote
 * and frames of the finished outputs. Builders return ffmpeg commands; the rest is pure analysis.
 */

export interface Span {
  startSec: number;
  endSec: number;
}

/** Pass 1's extra outputs: each stem to a 16-bit WAV. */
export function statementStemOutputs(
  stems: { music: string | null; ducked: string | null; voice: string | null },
  workDir: string,
): { outputs: FfmpegCommand['outputs']; paths: StatementStems } {
  const outputs: FfmpegCommand['outputs'] = [];
  const out = (label: string | null, name: string) => {
    if (!label) return null;
    const path = join(workDir, `stem.${name}.wav`);
    outputs.push({ path, options: ['-map', label, '-c:a', 'pcm_s16le'] });
    return path;
  };
  const paths = { musicPath: out(stems.music, 'music'), duckedPath: out(stems.ducked, 'ducked'), voicePath: '' };
  paths.voicePath = out(stems.voice, 'voice') ?? '';
  return { outputs, paths };
}

/** EBU R128 loudness of only the given spans of a file (joined), from ebur128's summary. */
export function buildSpanLoudnessCommand(path: string, spans: readonly Span[]): FfmpegCommand {
  const select = spans.map((s) => `between(t,${formatSeconds(s.startSec)},${formatSeconds(s.endSec)})`).join('+');
  return {
    inputs: [{ path, options: [] }],
    outputs: [
      {
        path: '-',
        options: [
          '-map',
          '0:a:0',
          '-af',
          `aselect='${select || '0'}',asetpts=N/SR/TB,ebur128=peak=true:framelog=verbose`,
          '-f',
          'null',
        ],
      },
    ],
  };
}

/** Where the voice stem is silent (below -40 dBFS for 120 ms or more). */
export function buildSilenceCommand(path: string): FfmpegCommand {
  return {
    inputs: [{ path, options: [] }],
    outputs: [{ path: '-', options: ['-map', '0:a:0', '-af', 'silencedetect=noise=-40dB:d=0.12', '-f', 'null'] }],
  };
}

/** Silent spans from silencedetect's stderr; an open one runs to `totalSec`. */
export function parseSilences(lines: readonly string[], totalSec: number): Span[] {
  const spans: Span[] = [];
  let open: number | null = null;
  for (const line of lines) {
    const start = /silence_start:\s*(-?[\d.]+)/.exec(line);
    const end = /silence_end:\s*(-?[\d.]+)/.exec(line);
    if (start) open = Math.max(0, Number(start[1]));
    if (end) {
      spans.push({ startSec: open ?? 0, endSec: Number(end[1]) });
      open = null;
    }
  }
  if (open !== null) spans.push({ startSec: open, endSec: totalSec });
  return spans;
}

/** When speech is heard inside a slot: from the first sound to the last, or null for a silent slot. */
export function speechIn(slot: Span, silences: readonly Span[]): Span | null {
  let start = slot.startSec;
  let end = slot.endSec;
  for (const s of silences) {
    if (s.startSec <= start + 1e-6 && s.endSec > start) start = s.endSec;
  }
  for (const s of [...silences].reverse()) {
    if (s.endSec >= end - 1e-6 && s.startSec < end) end = s.startSec;
  }
  return end - start > 0.05 ? { startSec: start, endSec: end } : null;
}

/**
 * Frames of a video at several times, in one decoding pass (a seek per frame decodes from the
 * keyframe before it each time): raw RGB frames one after another, in time order, one per
 * distinct frame index. Returns the command and, per requested time, which frame of the file it is.
 */
export function buildFramesGrabCommand(
  videoPath: string,
  atSecs: readonly number[],
  fps: number,
  outPath: string,
): { command: FfmpegCommand; frameOf: number[] } {
  // the first frame shown at or after each time, as a seek would land
  const indexes = atSecs.map((t) => Math.max(0, Math.ceil(t * fps - 1e-6)));
  const distinct = [...new Set(indexes)].sort((a, b) => a - b);
  const select = distinct.map((n) => `eq(n\\,${n})`).join('+');
  return {
    command: {
      inputs: [{ path: videoPath, options: [] }],
      outputs: [
        {
          path: outPath,
          options: [
            '-map',
            '0:v:0',
            '-vf',
            `select=${select}`,
            '-fps_mode',
            'passthrough',
            // ffmpeg stops decoding once the last frame wanted is out
            '-frames:v',
            String(distinct.length),
            '-f',
            'rawvideo',
            '-pix_fmt',
            'rgb24',
            '-y',
          ],
        },
      ],
    },
    frameOf: indexes.map((n) => distinct.indexOf(n)),
  };
}

const linear = (c: number) => {
  const v = c / 255;
  return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};

/** WCAG relative luminance of an sRGB pixel. */
export function pixelLuminance(r: number, g: number, b: number): number {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function luminances(rgb: Buffer, frameWidth: number, rect: Rect): number[] {
  const out: number[] = [];
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const i = (y * frameWidth + x) * 3;
      out.push(pixelLuminance(rgb[i], rgb[i + 1], rgb[i + 2]));
    }
  }
  return out;
}

/**
 * WCAG contrast between the glyphs and what is behind them, in a rectangle of the frame holding
 * text on its plate: the glyphs' level is the 98th percentile of luminance, the plate's the 30th
 * (anti-aliased edges and compression fall between and are left out).
 */
export function regionContrast(
  rgb: Buffer,
  frameWidth: number,
  rect: Rect,
): { glyphLuminance: number; backgroundLuminance: number; ratio: number } {
  const lum = luminances(rgb, frameWidth, rect).sort((a, b) => a - b);
  const at = (q: number) => lum[Math.min(lum.length - 1, Math.floor(q * lum.length))];
  const glyph = at(0.98);
  const background = at(0.3);
  const [hi, lo] = glyph >= background ? [glyph, background] : [background, glyph];
  return {
    glyphLuminance: glyph,
    backgroundLuminance: background,
    ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
  };
}

/**
 * Cap height in pixels: the ink height of the first glyph of the first row of text in `rect`
 * (the row starts with a capital or a digit), where ink is brighter than halfway between plate and glyph.
 */
export function firstGlyphHeightPx(rgb: Buffer, frameWidth: number, rect: Rect): number {
  const { glyphLuminance, backgroundLuminance } = regionContrast(rgb, frameWidth, rect);
  const threshold = (glyphLuminance + backgroundLuminance) / 2;
  const ink = (x: number, y: number) => {
    const i = (y * frameWidth + x) * 3;
    return pixelLuminance(rgb[i], rgb[i + 1], rgb[i + 2]) > threshold;
  };
  // The first row band: rows from the first inked row to the first empty row after it.
  let top = -1;
  let bottom = -1;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    let any = false;
    for (let x = rect.x; x < rect.x + rect.width && !any; x++) any = ink(x, y);
    if (any && top < 0) top = y;
    if (!any && top >= 0) {
      bottom = y;
      break;
    }
  }
  if (top < 0) return 0;
  if (bottom < 0) bottom = rect.y + rect.height;
  // The first glyph: columns from the first inked column to the first empty column after it.
  let left = -1;
  let right = -1;
  for (let x = rect.x; x < rect.x + rect.width; x++) {
    let any = false;
    for (let y = top; y < bottom && !any; y++) any = ink(x, y);
    if (any && left < 0) left = x;
    if (!any && left >= 0) {
      right = x;
      break;
    }
  }
  if (left < 0) return 0;
  let gTop = -1;
  let gBottom = -1;
  for (let y = top; y < bottom; y++) {
    let any = false;
    for (let x = left; x < right && !any; x++) any = ink(x, y);
    if (any) {
      if (gTop < 0) gTop = y;
      gBottom = y;
    }
  }
  return gTop < 0 ? 0 : gBottom - gTop + 1;
}
