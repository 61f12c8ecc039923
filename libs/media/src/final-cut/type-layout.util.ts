import { type OutputSpec } from '@app/domain';
import { glyphWidthEm, wrapMeasured } from './text-layout.util';

/** libass lines run about 1.17 em for DejaVu; a little more leaves room for outline and shadow. */
export const LINE_HEIGHT_EM = 1.25;

export type FrameSize = Pick<OutputSpec, 'width' | 'height'>;

/**
 * Every size and margin the burned-in type uses, for one output frame. Type scales with the
 * shorter side, so a line reads the same on a phone held either way; compliance scales with the
 * height, the way legibility rules for supers are written. Margins keep text inside the
 * title-safe area (80% of each side) and marks inside the action-safe area (90%).
 */
export function typeLayout(spec: FrameSize) {
  const W = spec.width;
  const H = spec.height;
  const unit = Math.min(W, H);
  const titleX = Math.round(W * 0.1);
  const titleY = Math.round(H * 0.1);
  const complianceMin = Math.ceil(H * 0.032);
  const outline = Math.max(1, Math.round(unit * 0.004));
  return {
    width: W,
    height: H,
    titleX,
    titleY,
    actionX: Math.round(W * 0.05),
    actionY: Math.round(H * 0.05),
    /** Width a line may use: the title-safe width less the outline drawn on both sides. */
    lineWidth: W - 2 * titleX - 2 * outline,
    safeHeight: H - 2 * titleY,
    sceneSize: Math.round(unit * 0.055),
    sceneMinSize: Math.round(unit * 0.04),
    headlineSize: Math.round(unit * 0.085),
    headlineMinSize: Math.round(unit * 0.05),
    ctaSize: Math.round(unit * 0.055),
    ctaMinSize: Math.round(unit * 0.04),
    complianceSize: Math.max(complianceMin, Math.round(unit * 0.04)),
    /** Never smaller: about 3.2% of the frame height per line of fair-balance text. */
    complianceMinSize: complianceMin,
    watermarkSize: Math.max(12, Math.round(unit * 0.03)),
    outline,
    shadow: Math.max(1, Math.round(unit * 0.003)),
    gap: Math.round(unit * 0.025),
  };
}

export type TypeLayout = ReturnType<typeof typeLayout>;

export interface FittedBlock {
  size: number;
  lines: string[];
  /** Height of the block at `size`, by estimate. */
  heightPx: number;
  /** false when even the smallest size overflows `maxHeightPx` (the lines are still complete). */
  fits: boolean;
}

/**
 * The largest size from `size` down to `minSize` at which `text`, wrapped to `widthPx`, fits in
 * `maxHeightPx`. Wrapping is done here (libass in this build only breaks at spaces), words wider
 * than a line are broken between characters, so no line can run off the frame.
 */
export function fitBlock(
  text: string,
  size: number,
  minSize: number,
  widthPx: number,
  maxHeightPx: number,
): FittedBlock {
  const block = (s: number): FittedBlock => {
    const lines = wrapMeasured(text.trim(), widthPx / s, glyphWidthEm);
    const heightPx = Math.ceil(lines.length * s * LINE_HEIGHT_EM);
    return { size: s, lines, heightPx, fits: heightPx <= maxHeightPx };
  };
  for (let s = size; s > minSize; s--) {
    const fitted = block(s);
    if (fitted.fits) return fitted;
  }
  return block(Math.min(size, minSize));
}
