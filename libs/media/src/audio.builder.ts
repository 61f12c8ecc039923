import { type FfmpegCommand } from './ffmpeg-command.types';

/** WAV (or any audio) to AAC-LC 192k, 48 kHz stereo, in an .m4a with the index up front. */
export function buildEncodeAudioCommand(wavPath: string, outM4a: string): FfmpegCommand {
  return {
    inputs: [{ path: wavPath, options: [] }],
    outputs: [
      {
        path: outM4a,
        options: [
          '-map',
          '0:a:0',
          '-vn',
          '-c:a',
          'aac',
          '-profile:a',
          'aac_low',
          '-b:a',
          '192k',
          '-ar',
          '48000',
          '-ac',
          '2',
          '-movflags',
          '+faststart',
        ],
      },
    ],
  };
}
