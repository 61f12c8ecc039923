import { AppError, Errors } from '@app/domain';
import { charWidthEm, normaliseText } from './text-layout.util';
import { fitBlock, type FrameSize, LINE_HEIGHT_EM, typeLayout } from './type-layout.util';

/** The reading speed fair-balance text is held to: at most this many words per second on screen. */
export const COMPLIANCE_WORDS_PER_SEC = 3;
/** Past this share of the ad a held slate would sit over most of it, so the text crawls instead. */
export const CRAWL_ABOVE_SHARE = 0.6;
/** A slate may take the bottom half of the title-safe height; the end card keeps the top half. */
export const SLATE_MAX_SHARE = 0.5;
/**
 * A crawl's speed comes from an estimated width that runs up to a few percent wide (kerning,
 * rounding), which would clear the text early; it gets this much more time where the ad has it.
 */
export const CRAWL_SLACK = 1.05;

export interface CompliancePlan {
  /** `slate`: held at the bottom from `startSec` to the end. `crawl`: one line scrolling through the span. */
  mode: 'slate' | 'crawl';
  startSec: number;
  endSec: number;
  words: number;
  /** Layout for the frame it was planned for. */
  fontSize: number;
  /** The slate's wrapped lines, or the crawl's single line. */
  lines: string[];
  heightPx: number;
}

/**
 * Words as a reader meets them: runs between spaces, except that each full-width character
 * (CJK, which is written without spaces) counts as one, erring towards more time on screen.
 */
export function countWords(text: string): number {
  return normaliseText(text)
    .split(/\s+/)
    .filter(Boolean)
    .reduce((sum, token) => {
      const wide = [...token].filter((ch) => charWidthEm(ch, 0) === 1).length;
      return sum + wide + ([...token].length > wide ? 1 : 0);
    }, 0);
}

/** Seconds down to the centisecond ASS counts in, so a start is never rounded later than planned. */
function floorCs(sec: number): number {
  return Math.floor(Math.round(sec * 1e6) / 1e4) / 100;
}

/**
 * How fair-balance text is shown in a frame. It needs words / 3 seconds on screen. A held slate
 * at the bottom starts at the end card or, when that leaves too little time, that much before the
 * end (the caller moves the end card up with it, inside the ad's length); sized from a legible
 * minimum upwards and wrapped inside the title-safe area. When the slate would need more than 60%
 * of the ad, or cannot fit its half of the safe area even at the minimum size, the text crawls:
 * one line scrolling through the last words / 3 seconds (and a little more, see CRAWL_SLACK). Text that cannot be read in the whole ad
 * at that pace is refused, since showing it faster would not meet the rule it is there for.
 */
export function planCompliance(
  text: string,
  totalSec: number,
  endCardStartSec: number,
  spec: FrameSize,
  opts: { crawl?: boolean } = {},
): CompliancePlan {
  const words = countWords(text);
  if (words === 0) throw new RangeError('no compliance text to plan');
  const neededSec = words / COMPLIANCE_WORDS_PER_SEC;
  if (neededSec > totalSec + 1e-9) {
    throw new AppError(
      Errors.composeFailed,
      `compliance text of ${words} words needs ${neededSec.toFixed(1)}s on screen but the ad is ${totalSec}s`,
      { details: { words, totalSec } },
    );
  }
  const layout = typeLayout(spec);
  const latestStart = floorCs(totalSec - neededSec);

  if (!opts.crawl && neededSec <= CRAWL_ABOVE_SHARE * totalSec) {
    const block = fitBlock(
      text,
      layout.complianceSize,
      layout.complianceMinSize,
      layout.lineWidth,
      layout.safeHeight * SLATE_MAX_SHARE,
    );
    if (block.fits) {
      return {
        mode: 'slate',
        startSec: Math.max(0, Math.min(floorCs(endCardStartSec), latestStart)),
        endSec: totalSec,
        words,
        fontSize: block.size,
        lines: block.lines,
        heightPx: block.heightPx,
      };
    }
  }
  const size = layout.complianceSize;
  return {
    mode: 'crawl',
    startSec: Math.max(0, floorCs(totalSec - neededSec * CRAWL_SLACK)),
    endSec: totalSec,
    words,
    fontSize: size,
    lines: [normaliseText(text).replace(/\s+/g, ' ').trim()],
    heightPx: Math.ceil(size * LINE_HEIGHT_EM),
  };
}
