import { type AspectRatio } from './vocabulary';

/** What every clip and the final cut are normalised to, so composing never re-scales or re-times. */
export interface OutputSpec {
  width: number;
  height: number;
  fps: number;
  pixelFormat: 'yuv420p';
  videoCodec: 'h264';
}

const SIZES: Record<AspectRatio, { width: number; height: number }> = {
  '16:9': { width: 1280, height: 720 },
  '9:16': { width: 720, height: 1280 },
  '1:1': { width: 1080, height: 1080 },
};

export const OUTPUT_FPS = 24;

export function outputSpecFor(aspectRatio: AspectRatio): OutputSpec {
  return { ...SIZES[aspectRatio], fps: OUTPUT_FPS, pixelFormat: 'yuv420p', videoCodec: 'h264' };
}
