import { type FfmpegCommand } from '../ffmpeg/ffmpeg-command.types';
import { formatSeconds } from '../ffmpeg/filter-syntax.util';

/**
 * The clip's exact last frame as a full-size rgb24 PNG. Only the final second is decoded and
 * `reverse` hands its last frame out first, so one PNG is encoded instead of one per frame.
 */
export function buildLastFrameCommand(clipPath: string, outPng: string): FfmpegCommand {
  return {
    inputs: [{ path: clipPath, options: ['-sseof', '-1'] }],
    outputs: [
      {
        path: outPng,
        options: ['-map', '0:v:0', '-vf', 'reverse', '-frames:v', '1', '-pix_fmt', 'rgb24', '-update', '1'],
      },
    ],
  };
}

/** One JPEG frame at `atSec` (input seeking is frame-accurate when transcoding). */
export function buildPosterCommand(videoPath: string, atSec: number, outJpg: string): FfmpegCommand {
  return {
    inputs: [{ path: videoPath, options: ['-ss', formatSeconds(Math.max(0, atSec))] }],
    outputs: [{ path: outJpg, options: ['-map', '0:v:0', '-frames:v', '1', '-q:v', '2', '-update', '1'] }],
  };
}

/**
 * Compares the first frame of two images or videos in 4:2:0 YUV, the domain the clips are stored
 * in: a PNG taken from a decoded frame goes back to exactly what the encoder saw, so the figure
 * measures the pipeline and not the RGB round trip of saturated colours (which alone costs a
 * lossless encode of a colour-bar frame some 30 dB in RGB). The summary line lands on stderr.
 */
export function buildFramePsnrCommand(aPath: string, bPath: string): FfmpegCommand {
  const firstFrame = (input: number, label: string) =>
    `[${input}:v]trim=end_frame=1,setpts=PTS-STARTPTS,format=yuv420p[${label}]`;
  return {
    inputs: [
      { path: aPath, options: [] },
      { path: bPath, options: [] },
    ],
    filterComplex: [firstFrame(0, 'a'), firstFrame(1, 'b'), '[a][b]psnr=shortest=1[psnr]'].join(';'),
    outputs: [{ path: '-', options: ['-map', '[psnr]', '-f', 'null'] }],
  };
}
