import { type FfmpegCommand } from '../ffmpeg/ffmpeg-command.types';
import { escapeFilterValue } from '../ffmpeg/filter-syntax.util';
import { DEFAULT_FONTS_DIR } from '../final-cut/fonts';

/**
 * Pure ffmpeg argument builders for single assets (images, clips, GIFs): the embedded stand-ins for
 * image editing models (upscale, inpaint, outpaint, image-to-image), the GIF palette passes and the
 * watermark. Each returns data; `FfmpegRunner.run` executes it.
 */

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

export interface AssetWatermark {
  text: string;
  position: Corner;
}

const PNG_OUT = ['-frames:v', '1', '-pix_fmt', 'rgb24', '-update', '1'];
const FONT_FILE = `${DEFAULT_FONTS_DIR}/DejaVuSans.ttf`;

/** A drawtext filter for a text watermark in a corner, sized to the frame; null without one. */
export function watermarkFilter(mark: AssetWatermark | null): string | null {
  if (!mark?.text.trim()) return null;
  const margin = 'h*0.03';
  const x = mark.position.endsWith('left') ? margin : `w-tw-${margin}`;
  const y = mark.position.startsWith('top') ? margin : `h-th-${margin}`;
  return (
    `drawtext=fontfile=${escapeFilterValue(FONT_FILE)}:text=${escapeFilterValue(mark.text.trim())}` +
    `:fontsize=max(10\\,h*0.045):fontcolor=white@0.8:borderw=1:bordercolor=black@0.5:x=${x}:y=${y}`
  );
}

function chain(...filters: (string | null)[]): string {
  return filters.filter(Boolean).join(',');
}

/** Scales to cover `width`x`height` and crops the middle: the input at exactly the asked size. */
export function fitFilter(width: number, height: number): string {
  return `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=lanczos,crop=${width}:${height}`;
}

/** A PNG of `width`x`height` from an image (or a video's first frame), with the watermark when asked. */
export function buildImageFitCommand(
  input: string,
  out: string,
  size: { width: number; height: number } | null,
  mark: AssetWatermark | null,
): FfmpegCommand {
  const vf = chain(size ? fitFilter(size.width, size.height) : null, watermarkFilter(mark)) || 'null';
  return { inputs: [{ path: input, options: [] }], outputs: [{ path: out, options: ['-vf', vf, ...PNG_OUT] }] };
}

/** Upscale by `factor` with ffmpeg's lanczos scaler. */
export function buildUpscaleCommand(input: string, out: string, factor: number, mark: AssetWatermark | null) {
  const vf = chain(`scale=iw*${factor}:ih*${factor}:flags=lanczos`, watermarkFilter(mark));
  return { inputs: [{ path: input, options: [] }], outputs: [{ path: out, options: ['-vf', vf, ...PNG_OUT] }] };
}

/**
 * Inpaint stand-in: where the mask is white the picture is replaced by a heavy blur of the image
 * around it (the region "filled from the image"); where it is black every pixel is kept as it was.
 * The mask is scaled to the image and read as grey levels (soft edges blend).
 */
export function buildInpaintCommand(
  image: string,
  mask: string,
  out: string,
  mark: AssetWatermark | null,
): FfmpegCommand {
  const graph = [
    '[0:v]format=rgb24,split=2[base][src]',
    '[src]boxblur=luma_radius=min(w\\,h)/8:luma_power=3,format=rgba[blur]',
    '[1:v][base]scale2ref[mask][base2]',
    '[mask]format=gray[m]',
    '[blur][m]alphamerge[fill]',
    `[base2][fill]overlay=format=auto,format=rgb24${watermarkFilter(mark) ? `,${watermarkFilter(mark)}` : ''}[out]`,
  ].join(';');
  return {
    inputs: [
      { path: image, options: [] },
      { path: mask, options: [] },
    ],
    filterComplex: graph,
    outputs: [{ path: out, options: ['-map', '[out]', ...PNG_OUT] }],
  };
}

/**
 * Outpaint stand-in: the canvas grows to `width`x`height`; the image sits at (`left`, `top`) at its
 * own size and the new border is filled from a blurred stretch of the image itself.
 */
export function buildOutpaintCommand(
  image: string,
  out: string,
  canvas: { width: number; height: number; left: number; top: number },
  mark: AssetWatermark | null,
): FfmpegCommand {
  const graph = [
    '[0:v]format=rgb24,split=2[fg][src]',
    `[src]scale=${canvas.width}:${canvas.height},boxblur=luma_radius=min(w\\,h)/10:luma_power=2[bg]`,
    `[bg][fg]overlay=${canvas.left}:${canvas.top},format=rgb24${watermarkFilter(mark) ? `,${watermarkFilter(mark)}` : ''}[out]`,
  ].join(';');
  return {
    inputs: [{ path: image, options: [] }],
    filterComplex: graph,
    outputs: [{ path: out, options: ['-map', '[out]', ...PNG_OUT] }],
  };
}

/** The mask of an outpaint for an editing model: white where the canvas is new, black over the original image. */
export function buildOutpaintMaskCommand(
  out: string,
  canvas: { width: number; height: number; left: number; top: number },
  inner: { width: number; height: number },
): FfmpegCommand {
  return {
    inputs: [{ path: `color=white:size=${canvas.width}x${canvas.height}`, options: ['-f', 'lavfi'] }],
    outputs: [
      {
        path: out,
        options: [
          '-vf',
          `drawbox=x=${canvas.left}:y=${canvas.top}:w=${inner.width}:h=${inner.height}:color=black:t=fill`,
          ...PNG_OUT,
        ],
      },
    ],
  };
}

/** Image-to-image stand-in: the input at the asked size, toned towards the prompt's picture (`look`, a PNG). */
export function buildImageBlendCommand(
  image: string,
  look: string,
  out: string,
  size: { width: number; height: number },
  mark: AssetWatermark | null,
): FfmpegCommand {
  const graph = [
    `[0:v]${fitFilter(size.width, size.height)},format=gbrp[a]`,
    `[1:v]${fitFilter(size.width, size.height)},format=gbrp[b]`,
    `[a][b]blend=all_mode=normal:all_opacity=0.35,format=rgb24${watermarkFilter(mark) ? `,${watermarkFilter(mark)}` : ''}[out]`,
  ].join(';');
  return {
    inputs: [
      { path: image, options: [] },
      { path: look, options: [] },
    ],
    filterComplex: graph,
    outputs: [{ path: out, options: ['-map', '[out]', ...PNG_OUT] }],
  };
}

/** `key=value` metadata options (MP4 keeps keys it has no atom for with use_metadata_tags). */
function metadataOptions(metadata: Record<string, string>): string[] {
  return Object.entries(metadata).flatMap(([key, value]) => {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key)) throw new RangeError(`not a metadata key: ${JSON.stringify(key)}`);
    return ['-metadata', `${key}=${value.replace(/\0/g, '')}`];
  });
}

/**
 * The delivered clip: exactly `frames` frames at `fps` and `width`x`height`, H.264 yuv420p, the
 * watermark drawn, the AI-generated tags written, `+faststart`.
 */
export function buildClipDeliveryCommand(
  input: string,
  out: string,
  spec: { width: number; height: number; fps: number; frames: number },
  mark: AssetWatermark | null,
  metadata: Record<string, string>,
): FfmpegCommand {
  const vf = chain(fitFilter(spec.width, spec.height), `fps=${spec.fps}`, watermarkFilter(mark), 'format=yuv420p');
  return {
    inputs: [{ path: input, options: [] }],
    outputs: [
      {
        path: out,
        options: [
          '-map',
          '0:v:0',
          '-vf',
          vf,
          '-frames:v',
          String(spec.frames),
          '-c:v',
          'libx264',
          '-preset',
          'veryfast',
          '-crf',
          '20',
          '-r',
          String(spec.fps),
          '-an',
          ...metadataOptions(metadata),
          '-movflags',
          '+faststart+use_metadata_tags',
        ],
      },
    ],
  };
}

export interface GifPass {
  width: number;
  height: number;
  fps: number;
  frames: number;
  colors: number;
}

function gifFrames(pass: GifPass, mark: AssetWatermark | null): string {
  return chain(
    `fps=${pass.fps}`,
    `scale=${pass.width}:${pass.height}:force_original_aspect_ratio=increase:flags=lanczos`,
    `crop=${pass.width}:${pass.height}`,
    watermarkFilter(mark),
  );
}

/** GIF pass 1: the clip's own palette (`palettegen`), from the frames the GIF will hold. */
export function buildGifPaletteCommand(
  clip: string,
  palette: string,
  pass: GifPass,
  mark: AssetWatermark | null,
): FfmpegCommand {
  return {
    inputs: [{ path: clip, options: [] }],
    outputs: [
      {
        path: palette,
        options: [
          '-vf',
          `${gifFrames(pass, mark)},trim=end_frame=${pass.frames},palettegen=max_colors=${pass.colors}:stats_mode=diff`,
          '-update',
          '1',
        ],
      },
    ],
  };
}

/** GIF pass 2: the frames mapped onto that palette (`paletteuse`), looping forever (NETSCAPE2.0, `-loop 0`). */
export function buildGifEncodeCommand(
  clip: string,
  palette: string,
  out: string,
  pass: GifPass,
  mark: AssetWatermark | null,
): FfmpegCommand {
  return {
    inputs: [
      { path: clip, options: [] },
      { path: palette, options: [] },
    ],
    filterComplex: `[0:v]${gifFrames(pass, mark)}[x];[x][1:v]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle[out]`,
    outputs: [{ path: out, options: ['-map', '[out]', '-frames:v', String(pass.frames), '-loop', '0', '-f', 'gif'] }],
  };
}

/**
 * The next, smaller attempt at a GIF over its size cap: fewer colours first (down to 32), then a
 * smaller frame (down to 64 px on the short side); null when nothing smaller is left to try. The
 * frame count and rate stay as asked.
 */
export function smallerGifPass(pass: GifPass): GifPass | null {
  if (pass.colors > 32) return { ...pass, colors: Math.max(32, pass.colors / 2) };
  const scale = 0.75;
  const even = (v: number) => Math.max(2, Math.round((v * scale) / 2) * 2);
  if (Math.min(pass.width, pass.height) * scale < 64) return null;
  return { ...pass, width: even(pass.width), height: even(pass.height), colors: 128 };
}
