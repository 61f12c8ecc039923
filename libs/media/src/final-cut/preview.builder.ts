import { type FfmpegCommand } from '../ffmpeg/ffmpeg-command.types';
import { formatSeconds } from '../ffmpeg/filter-syntax.util';

export interface PreviewOptions {
  width?: number;
  fps?: number;
  maxSec?: number;
}

export const PREVIEW_DEFAULTS = { width: 320, fps: 8, maxSec: 6 } as const;

function positive(name: string, value: number, integer: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`preview ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  }
  return value;
}

/**
 * A small looping animated WebP of the start of a video, for listings and link unfurls: a few
 * frames a second at thumbnail width (height kept in proportion, even), lossy, no sound.
 */
export function buildPreviewCommand(videoPath: string, outPath: string, opts: PreviewOptions = {}): FfmpegCommand {
  const width = positive('width', opts.width ?? PREVIEW_DEFAULTS.width, true);
  const fps = positive('fps', opts.fps ?? PREVIEW_DEFAULTS.fps, false);
  const maxSec = positive('maxSec', opts.maxSec ?? PREVIEW_DEFAULTS.maxSec, false);
  return {
    inputs: [{ path: videoPath, options: ['-t', formatSeconds(maxSec)] }],
    outputs: [
      {
        path: outPath,
        options: [
          '-map',
          '0:v:0',
          '-an',
          '-vf',
          `fps=${formatSeconds(fps)},scale=w=${width}:h=-2:flags=lanczos`,
          '-c:v',
          'libwebp_anim',
          '-lossless',
          '0',
          '-quality',
          '60',
          '-compression_level',
          '4',
          '-loop',
          '0',
          '-f',
          'webp',
        ],
      },
    ],
  };
}
