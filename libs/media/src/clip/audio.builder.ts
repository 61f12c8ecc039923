import { type FfmpegCommand } from '../ffmpeg/ffmpeg-command.types';

/** AAC-LC 192k, 48 kHz stereo: the one audio format every artifact we publish carries. */
export const AAC_OUTPUT_OPTIONS: readonly string[] = ['-c:a', 'aac', '-b:a', '192k', '-ar', '48000', '-ac', '2'];

/** WAV (or any audio) to AAC-LC 192k, 48 kHz stereo, in an .m4a with the index up front. */
export function buildEncodeAudioCommand(wavPath: string, outM4a: string): FfmpegCommand {
  return {
    inputs: [{ path: wavPath, options: [] }],
    outputs: [
      {
        path: outM4a,
        options: ['-map', '0:a:0', '-vn', ...AAC_OUTPUT_OPTIONS, '-profile:a', 'aac_low', '-movflags', '+faststart'],
      },
    ],
  };
}
