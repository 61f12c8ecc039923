import { assColour, assTime, escapeAssText } from './ass-text.util';
import { LINE_HEIGHT_EM, type FrameSize, fitBlock, typeLayout } from './type-layout.util';

/**
 * Major statement type (issue 17): one line of the statement at a time, large, white on an opaque
 * dark plate in the lower part of the title-safe area. libass sizes DejaVu Sans so that its
 * ascent + descent (1.164 em) is the font size, so the cap height (0.729 em) is 0.626 of it:
 * 6.2% of the frame height gives capitals of about 3.9% of it, over the 3.5% legibility floor.
 */
export const STATEMENT_SIZE_SHARE = 0.062;
/** Cap height of DejaVu Sans as a share of libass's font size (0.729 em / 1.164 em). */
export const CAP_HEIGHT_PER_FONT_SIZE = 0.626;
/** The plate colour; drawn as `&H101010&` (grey, so the same in ASS's BGR order). */
export const STATEMENT_PLATE = '#101010';
export const STATEMENT_TEXT = '#FFFFFF';
export const STATEMENT_STYLE = 'Statement';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StatementBlockLayout {
  fontSize: number;
  rows: string[];
  /** The plate, inside the title-safe area, bottom-aligned to it. */
  plate: Rect;
  /** Where the rows' ink can be (the plate less its padding). */
  text: Rect;
  /** The title-safe area of the frame. */
  titleSafe: Rect;
}

/** Where one statement line goes in a frame and how it wraps. */
export function statementBlockLayout(spec: FrameSize, text: string): StatementBlockLayout {
  const L = typeLayout(spec);
  const fontSize = Math.ceil(spec.height * STATEMENT_SIZE_SHARE);
  const pad = Math.round(fontSize * 0.35);
  const titleSafe = { x: L.titleX, y: L.titleY, width: spec.width - 2 * L.titleX, height: spec.height - 2 * L.titleY };
  const block = fitBlock(text, fontSize, fontSize, titleSafe.width - 2 * pad, Infinity);
  const textHeight = Math.ceil(block.lines.length * fontSize * LINE_HEIGHT_EM);
  const plateHeight = Math.min(titleSafe.height, textHeight + 2 * pad);
  const plate = {
    x: titleSafe.x,
    y: titleSafe.y + titleSafe.height - plateHeight,
    width: titleSafe.width,
    height: plateHeight,
  };
  return {
    fontSize,
    rows: block.lines,
    plate,
    text: { x: plate.x + pad, y: plate.y + pad, width: plate.width - 2 * pad, height: plate.height - 2 * pad },
    titleSafe,
  };
}

/** The ASS style line of the statement text (no outline or shadow: the plate gives the contrast). */
export function statementStyle(fontName: string, spec: FrameSize): string {
  const size = Math.ceil(spec.height * STATEMENT_SIZE_SHARE);
  const white = assColour(STATEMENT_TEXT);
  const black = assColour('#000000');
  return (
    `Style: ${STATEMENT_STYLE},${fontName},${size},${white},${white},${black},${black},-1,0,0,0,100,100,0,0,1,` +
    `0,0,8,0,0,0,1`
  );
}

/** Dialogue lines for each statement line: the plate (a drawn rectangle) under the text, for exactly the line's span. */
export function statementEvents(
  spec: FrameSize,
  lines: readonly { text: string; startSec: number; endSec: number }[],
): string[] {
  return lines.flatMap((line) => {
    const layout = statementBlockLayout(spec, line.text);
    const { plate } = layout;
    const start = assTime(line.startSec);
    const end = assTime(line.endSec);
    const draw = `m 0 0 l ${plate.width} 0 ${plate.width} ${plate.height} 0 ${plate.height}`;
    const cx = Math.round(plate.x + plate.width / 2);
    return [
      `Dialogue: 5,${start},${end},${STATEMENT_STYLE},,0,0,0,,{\\an7\\pos(${plate.x},${plate.y})\\bord0\\shad0\\1c&H101010&\\1a&H00&\\p1}${draw}{\\p0}`,
      `Dialogue: 6,${start},${end},${STATEMENT_STYLE},,0,0,0,,{\\an8\\pos(${cx},${layout.text.y})}${escapeAssText(layout.rows.join('\n'))}`,
    ];
  });
}
