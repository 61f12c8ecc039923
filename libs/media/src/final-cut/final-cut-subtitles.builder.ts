import { type CompliancePlan } from './compliance-plan.builder';
import { assColour, assTime, escapeAssText, luminance, safeFontName } from './ass-text.util';
import { type FinalCutTimeline } from './final-cut-timeline.builder';
import { type WatermarkSpec } from './final-cut.types';
import { statementEvents, statementStyle } from './statement-type.builder';
import { textWidthEm } from './text-layout.util';
import { fitBlock, type FrameSize, typeLayout } from './type-layout.util';

export interface FinalCutAssRequest {
  spec: FrameSize;
  timeline: FinalCutTimeline;
  /** This frame's compliance plan (from the timeline), or null. */
  compliance: CompliancePlan | null;
  fontName: string;
  brandColors: readonly string[];
  watermark: (Pick<WatermarkSpec, 'position' | 'opacity'> & { text: string; logoHeightPx: number }) | null;
}

const HEX = /^#[0-9a-fA-F]{6}$/;
const WHITE = '#FFFFFF';
const BLACK = '#000000';
const FADE_MS = 250;
/** Scene text keeps to the lower part of the frame: at most this share of the title-safe height. */
const SCENE_MAX_SHARE = 0.35;

/** Watermark size, shared with the logo overlay so the two can sit together in one corner. */
export function logoHeightPx(spec: FrameSize): number {
  return Math.round(Math.min(spec.width, spec.height) * 0.08);
}

export interface TimeSpan {
  startSec: number;
  endSec: number;
}

/**
 * When the text watermark is on screen: the whole ad, except the major statement's window (issue 17,
 * standard 5: no other on-screen text while it is shown). The logo is a picture, not text, and stays.
 */
export function watermarkTextSpans(totalSec: number, statement: TimeSpan | null | undefined): TimeSpan[] {
  if (!statement) return [{ startSec: 0, endSec: totalSec }];
  return [
    { startSec: 0, endSec: Math.min(totalSec, statement.startSec) },
    { startSec: Math.max(0, statement.endSec), endSec: totalSec },
  ].filter((span) => span.endSec - span.startSec > 1e-3);
}

/** User text wrapped into lines and made inert for libass. */
function lines(text: string[]): string {
  return escapeAssText(text.join('\n'));
}

/**
 * The ASS file burned into one output: scene text in the lower third, the end card centred in
 * what the compliance text leaves free, the compliance slate or crawl, and a text watermark.
 * PlayRes is the output's own size, so every number below is a pixel of that frame; every block
 * is placed with \pos from sizes estimated here and wrapped here, inside the title-safe area
 * (marks inside the action-safe area). Styles give outline and shadow so type reads on any shot.
 */
export function buildFinalCutAss(req: FinalCutAssRequest): string {
  const { spec, timeline } = req;
  const W = spec.width;
  const H = spec.height;
  const L = typeLayout(spec);
  const font = safeFontName(req.fontName);
  const cx = Math.round(W / 2);
  const bottom = H - L.titleY;
  const events: string[] = [];
  const dialogue = (layer: number, start: number, end: number, style: string, text: string) =>
    events.push(`Dialogue: ${layer},${assTime(start)},${assTime(end)},${style},,0,0,0,,${text}`);

  const plan = req.compliance;
  // While compliance is on screen, everything else stands above it.
  const raised = plan ? bottom - plan.heightPx - L.gap : bottom;
  const overlapsCompliance = (start: number, end: number) =>
    plan !== null && end > plan.startSec && start < plan.endSec;

  for (const scene of timeline.scenes) {
    const block = fitBlock(scene.text, L.sceneSize, L.sceneMinSize, L.lineWidth, L.safeHeight * SCENE_MAX_SHARE);
    const size = block.size === L.sceneSize ? '' : `\\fs${block.size}`;
    const text = lines(block.lines);
    const spans: { start: number; end: number; y: number }[] = [];
    if (plan && overlapsCompliance(scene.startSec, scene.endSec)) {
      if (scene.startSec < plan.startSec) spans.push({ start: scene.startSec, end: plan.startSec, y: bottom });
      spans.push({ start: Math.max(scene.startSec, plan.startSec), end: scene.endSec, y: raised });
    } else {
      spans.push({ start: scene.startSec, end: scene.endSec, y: bottom });
    }
    spans.forEach((span, i) => {
      const fadeIn = i === 0 ? FADE_MS : 0;
      const fadeOut = i === spans.length - 1 ? FADE_MS : 0;
      dialogue(
        0,
        span.start,
        span.end,
        'Scene',
        `{\\an2\\pos(${cx},${span.y})\\fad(${fadeIn},${fadeOut})${size}}${text}`,
      );
    });
  }

  const card = timeline.endCard;
  if (card) {
    const top = L.titleY;
    const floor = overlapsCompliance(card.startSec, timeline.totalSec) ? raised : bottom;
    const room = Math.max(0, floor - top);
    const headline = fitBlock(card.headline, L.headlineSize, L.headlineMinSize, L.lineWidth, room * 0.6);
    const cta = card.callToAction.trim()
      ? fitBlock(card.callToAction, L.ctaSize, L.ctaMinSize, L.lineWidth, room - headline.heightPx - L.gap)
      : null;
    const height = headline.heightPx + (cta ? L.gap + cta.heightPx : 0);
    const y = Math.round(top + Math.max(0, (room - height) / 2));
    const fade = `\\fad(${FADE_MS * 1.2},0)`;
    const fs = (b: { size: number }, full: number) => (b.size === full ? '' : `\\fs${b.size}`);
    dialogue(
      1,
      card.startSec,
      timeline.totalSec,
      'Headline',
      `{\\an8\\pos(${cx},${y})${fade}${fs(headline, L.headlineSize)}}${lines(headline.lines)}`,
    );
    if (cta) {
      const ctaY = y + headline.heightPx + L.gap;
      dialogue(
        1,
        card.startSec,
        timeline.totalSec,
        'CallToAction',
        `{\\an8\\pos(${cx},${ctaY})${fade}${fs(cta, L.ctaSize)}}${lines(cta.lines)}`,
      );
    }
  }

  if (plan) {
    const fs = plan.fontSize === L.complianceSize ? '' : `\\fs${plan.fontSize}`;
    if (plan.mode === 'slate') {
      dialogue(2, plan.startSec, plan.endSec, 'Compliance', `{\\an2\\pos(${cx},${bottom})${fs}}${lines(plan.lines)}`);
    } else {
      // One line moving right to left through the title-safe width, clipped to it, gone by the end.
      // The speed comes from the estimated width, so it is the regular face's: near exact for ASCII.
      const widthPx = Math.ceil(textWidthEm(plan.lines[0], 'regular') * plan.fontSize) + 2 * L.outline;
      const move = `\\move(${W - L.titleX},${bottom},${L.titleX - widthPx},${bottom})`;
      dialogue(
        2,
        plan.startSec,
        plan.endSec,
        'Compliance',
        `{\\an1\\q2\\clip(${L.titleX},0,${W - L.titleX},${H})${move}${fs}}${lines(plan.lines)}`,
      );
    }
  }

  // Major statement (issue 17): one line at a time on its plate, in sync with the voice.
  if (timeline.statement) events.push(...statementEvents(spec, timeline.statement.lines));

  const mark = req.watermark;
  if (mark && mark.text.trim()) {
    const block = fitBlock(
      mark.text,
      L.watermarkSize,
      Math.max(10, Math.round(L.watermarkSize * 0.7)),
      W * 0.4,
      H * 0.2,
    );
    const right = mark.position.endsWith('right');
    const top = mark.position.startsWith('top');
    const x = right ? W - L.actionX : L.actionX;
    // Beside a logo in the same corner: below it at the top, above it at the bottom.
    const offset = mark.logoHeightPx ? mark.logoHeightPx + Math.round(L.gap / 2) : 0;
    const y = top ? L.actionY + offset : H - L.actionY - offset;
    const an = top ? (right ? 9 : 7) : right ? 3 : 1;
    for (const span of watermarkTextSpans(timeline.totalSec, timeline.statement)) {
      dialogue(3, span.startSec, span.endSec, 'Watermark', `{\\an${an}\\pos(${x},${y})}${lines(block.lines)}`);
    }
  }

  const brand = req.brandColors.find((c) => HEX.test(c));
  const brandIsLight = brand !== undefined && luminance(brand) >= 0.35;
  const ctaPrimary = brand && brandIsLight ? brand : WHITE;
  const ctaOutline = brand && !brandIsLight ? brand : BLACK;
  const markAlpha = Math.round((1 - Math.min(1, Math.max(0, mark?.opacity ?? 1))) * 255);
  const shadow = assColour(BLACK, 0x60);

  const style = (
    name: string,
    size: number,
    primary: string,
    outline: string,
    back: string,
    bold: boolean,
    border: number,
    shadowPx: number,
    alignment: number,
  ) =>
    `Style: ${name},${font},${size},${primary},${primary},${outline},${back},${bold ? -1 : 0},0,0,0,100,100,0,0,1,` +
    `${border},${shadowPx},${alignment},${L.titleX},${L.titleX},${L.titleY},1`;

  return [
    '[Script Info]',
    '; Reelsmith final cut type',
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
    style('Scene', L.sceneSize, assColour(WHITE), assColour(BLACK), shadow, true, L.outline, L.shadow, 2),
    style('Headline', L.headlineSize, assColour(WHITE), assColour(BLACK), shadow, true, L.outline, L.shadow, 8),
    style(
      'CallToAction',
      L.ctaSize,
      assColour(ctaPrimary),
      assColour(ctaOutline),
      shadow,
      true,
      L.outline,
      L.shadow,
      8,
    ),
    style('Compliance', L.complianceSize, assColour(WHITE), assColour(BLACK), shadow, false, L.outline, 0, 2),
    style(
      'Watermark',
      L.watermarkSize,
      assColour(WHITE, markAlpha),
      assColour(BLACK, Math.min(255, markAlpha + 0x40)),
      assColour(BLACK, 0xff),
      false,
      Math.max(1, Math.round(L.outline / 2)),
      0,
      9,
    ),
    ...(timeline.statement ? [statementStyle(font, spec)] : []),
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...events,
    '',
  ].join('\n');
}
