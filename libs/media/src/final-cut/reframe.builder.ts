import { type FrameSize } from './type-layout.util';

/** Largest even number not above `n`: 4:2:0 frames and their offsets come in pairs of pixels. */
function even(n: number): number {
  return Math.max(2, Math.floor(n / 2) * 2);
}

/** The centred window of `from` with the aspect ratio of `to`. */
export function centreCropSize(from: FrameSize, to: FrameSize): FrameSize {
  if (to.width * from.height < from.width * to.height) {
    return { width: even(Math.round((from.height * to.width) / to.height)), height: from.height };
  }
  return { width: from.width, height: even(Math.round((from.width * to.height) / to.width)) };
}

/** `from` scaled to fit inside `to`, aspect kept. */
export function fitSize(from: FrameSize, to: FrameSize): FrameSize {
  const scale = Math.min(to.width / from.width, to.height / from.height);
  return { width: even(Math.round(from.width * scale)), height: even(Math.round(from.height * scale)) };
}

/** The blurred fill is made at an eighth of the output size: the blur hides the detail anyway, and it is cheap. */
const FILL_SCALE = 8;
const FILL_BLUR = 'boxblur=luma_radius=4:luma_power=2';

/**
 * The master picture reframed to an output size. Same size: untouched. `crop`: the centred window
 * of the output's aspect, scaled to size. `blur`: the whole master fitted inside, centred over a
 * blurred, darkened copy of itself cropped and scaled to fill the frame.
 */
export function reframeGraph(
  input: string,
  master: FrameSize,
  out: FrameSize,
  mode: 'crop' | 'blur',
  tag: string,
): { chains: string[]; label: string } {
  if (master.width === out.width && master.height === out.height) return { chains: [], label: input };
  const crop = centreCropSize(master, out);
  const cropFilter = `crop=w=${crop.width}:h=${crop.height}`;
  const label = `[r${tag}]`;
  if (mode === 'crop') {
    return { chains: [`${input}${cropFilter},scale=w=${out.width}:h=${out.height},setsar=1${label}`], label };
  }
  const fit = fitSize(master, out);
  const small = { width: even(out.width / FILL_SCALE), height: even(out.height / FILL_SCALE) };
  const x = (out.width - fit.width) / 2;
  const y = (out.height - fit.height) / 2;
  return {
    chains: [
      `${input}split=2[fg${tag}][bg${tag}]`,
      `[bg${tag}]${cropFilter},scale=w=${small.width}:h=${small.height},${FILL_BLUR},eq=brightness=-0.06,` +
        `scale=w=${out.width}:h=${out.height}:flags=bilinear[fill${tag}]`,
      `[fg${tag}]scale=w=${fit.width}:h=${fit.height}[fit${tag}]`,
      `[fill${tag}][fit${tag}]overlay=x=${x}:y=${y},setsar=1${label}`,
    ],
    label,
  };
}
