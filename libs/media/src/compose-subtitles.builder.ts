import { type OutputSpec } from '@app/domain';
import { breakLongRuns, normaliseText, widthEm } from './text-layout.util';

export interface ComposeSubtitlesRequest {
  spec: OutputSpec;
  totalSec: number;
  endCard: { headline: string; callToAction: string; startSec: number };
  compliance: { text: string; startSec: number } | null;
  brandColors: string[];
  fontName: string;
}

const WORD_JOINER = '\u2060';
/** Average advance of DejaVu Sans, erring wide; only used to size and to break space-less runs. */
const NARROW_EM = 0.6;
const LINE_HEIGHT = 1.25;
const FADE_MS = 300;
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

/** Sizes and the title-safe area (10% in from every edge) for a frame. */
export function subtitleLayout(spec: Pick<OutputSpec, 'width' | 'height'>) {
  const unit = Math.min(spec.width, spec.height);
  return {
    marginX: Math.round(spec.width * 0.1),
    marginY: Math.round(spec.height * 0.1),
    headlineSize: Math.round(unit * 0.085),
    callToActionSize: Math.round(unit * 0.055),
    complianceSize: Math.round(unit * 0.03),
    minComplianceSize: Math.max(12, Math.round(unit * 0.018)),
    outline: Math.max(1, Math.round(unit * 0.004)),
  };
}

/** Lines `text` needs at `size` px in `widthPx`, by estimate; wrapping loses some width, so round up. */
function estimatedLines(text: string, size: number, widthPx: number): number {
  return normaliseText(text)
    .split('\n')
    .reduce((sum, p) => sum + Math.max(1, Math.ceil((widthEm(p, NARROW_EM) * size * 1.1) / widthPx)), 0);
}

/** The largest compliance size whose block fits in 40% of the safe height, never below the minimum. */
export function complianceFontSize(text: string, spec: Pick<OutputSpec, 'width' | 'height'>): number {
  const l = subtitleLayout(spec);
  const widthPx = spec.width - 2 * l.marginX;
  const maxHeight = (spec.height - 2 * l.marginY) * 0.4;
  for (let size = l.complianceSize; size > l.minComplianceSize; size--) {
    if (estimatedLines(text, size, widthPx) * size * LINE_HEIGHT <= maxHeight) return size;
  }
  return l.minComplianceSize;
}

/**
 * The ASS file burned into the finished ad: the end card (headline over call to action, centred
 * above any compliance text, over a dimmed frame) and the compliance text small at the bottom,
 * all inside the title-safe area and wrapped by libass (WrapStyle 0) so nothing is cut off.
 */
export function buildComposeSubtitles(req: ComposeSubtitlesRequest): string {
  const { spec, totalSec } = req;
  const W = spec.width;
  const H = spec.height;
  const l = subtitleLayout(spec);
  const font = safeFontName(req.fontName);
  const widthPx = W - 2 * l.marginX;
  const brand = req.brandColors.find((c) => HEX.test(c));
  const brandIsLight = brand !== undefined && luminance(brand) >= 0.35;

  const white = '#FFFFFF';
  const black = '#000000';
  const ctaPrimary = brand && brandIsLight ? brand : white;
  const ctaOutline = brand && !brandIsLight ? brand : black;

  const compliance = req.compliance && req.compliance.text.trim() ? req.compliance : null;
  const complianceSize = compliance ? complianceFontSize(compliance.text, spec) : 0;
  const complianceTop = compliance
    ? H - l.marginY - estimatedLines(compliance.text, complianceSize, widthPx) * complianceSize * LINE_HEIGHT
    : H - l.marginY;
  const gap = compliance ? Math.round(l.callToActionSize * 0.5) : 0;
  const centreY = Math.round((l.marginY + complianceTop - gap) / 2);

  const style = (
    name: string,
    size: number,
    primary: string,
    outline: string,
    back: string,
    bold: boolean,
    border: number,
    shadow: number,
    alignment: number,
  ) =>
    `Style: ${name},${font},${size},${primary},${primary},${outline},${back},${bold ? -1 : 0},0,0,0,100,100,0,0,1,` +
    `${border},${shadow},${alignment},${l.marginX},${l.marginX},${l.marginY},1`;

  const text = (value: string, size: number) => escapeAssText(breakLongRuns(value.trim(), widthPx / size, NARROW_EM));
  const fade = `\\fad(${FADE_MS},0)`;
  const events: string[] = [];
  const endStart = assTime(req.endCard.startSec);
  const end = assTime(totalSec);

  // Our own drawing, not user text: a translucent full-frame rectangle so the card reads on any shot.
  events.push(
    `Dialogue: 0,${endStart},${end},Backdrop,,0,0,0,,{\\an7\\pos(0,0)\\p1${fade}}m 0 0 l ${W} 0 ${W} ${H} 0 ${H}{\\p0}`,
  );
  const headline = text(req.endCard.headline, l.headlineSize);
  const cta = req.endCard.callToAction.trim() ? text(req.endCard.callToAction, l.callToActionSize) : '';
  const card = cta ? `${headline}\\N{\\rCallToAction}${cta}` : headline;
  events.push(
    `Dialogue: 1,${endStart},${end},Headline,,0,0,0,,{\\an5\\pos(${Math.round(W / 2)},${centreY})${fade}}${card}`,
  );
  if (compliance) {
    events.push(
      `Dialogue: 1,${assTime(compliance.startSec)},${end},Compliance,,0,0,0,,{${fade}}${text(compliance.text, complianceSize)}`,
    );
  }

  return [
    '[Script Info]',
    '; Reelsmith end card and compliance text',
    'ScriptType: v4.00+',
    `PlayResX: ${W}`,
    `PlayResY: ${H}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    'YCbCr Matrix: None',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, ' +
      'Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, ' +
      'MarginV, Encoding',
    style('Backdrop', 10, assColour(black, 0x73), assColour(black), assColour(black, 0xff), false, 0, 0, 7),
    style(
      'Headline',
      l.headlineSize,
      assColour(white),
      assColour(black),
      assColour(black, 0x80),
      true,
      l.outline,
      1,
      5,
    ),
    style(
      'CallToAction',
      l.callToActionSize,
      assColour(ctaPrimary),
      assColour(ctaOutline),
      assColour(black, 0x80),
      true,
      l.outline,
      1,
      5,
    ),
    style(
      'Compliance',
      complianceSize || l.complianceSize,
      assColour(white),
      assColour(black),
      assColour(black, 0x80),
      false,
      Math.max(1, Math.round(l.outline / 2)),
      0,
      2,
    ),
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...events,
    '',
  ].join('\n');
}
