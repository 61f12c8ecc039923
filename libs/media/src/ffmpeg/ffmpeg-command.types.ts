/**
 * One ffmpeg invocation as data. A lavfi input uses options `['-f', 'lavfi']` and the graph as its path.
 * Builders return this; only `FfmpegRunner.run` turns it into a process.
 */
export interface FfmpegCommand {
  inputs: { path: string; options: string[] }[];
  filterComplex?: string;
  outputs: { path: string; options: string[] }[];
}

export interface ProbeResult {
  durationSec: number;
  formatName: string;
  video: {
    codec: string;
    width: number;
    height: number;
    fps: number;
    pixFmt: string;
    frames: number | null;
  } | null;
  audio: { codec: string; sampleRate: number; channels: number; durationSec: number } | null;
  tags: Record<string, string>;
}

/** What a caller of a long render can pass: cancellation and a 0..1 progress callback. */
export interface RenderProgressOptions {
  signal?: AbortSignal;
  onProgress?(fraction: number): void;
}

/** Global flags every run carries: overwrite, no banner noise in stderr, never wait on stdin. */
export const GLOBAL_FLAGS = ['-hide_banner', '-nostdin'] as const;

/**
 * The argv ffmpeg receives, in the order fluent-ffmpeg assembles it (inputs, `-y`, graph, outputs).
 * The global flags ride on the first input (or first output when there is none) because
 * fluent-ffmpeg has no public slot for global options; ffmpeg accepts them anywhere.
 */
export function ffmpegArgs(cmd: FfmpegCommand): string[] {
  const args: string[] = [];
  cmd.inputs.forEach((input, i) => {
    args.push(...(i === 0 ? GLOBAL_FLAGS : []), ...input.options, '-i', input.path);
  });
  args.push('-y');
  if (cmd.filterComplex) args.push('-filter_complex', cmd.filterComplex);
  cmd.outputs.forEach((output, i) => {
    args.push(...(i === 0 && cmd.inputs.length === 0 ? GLOBAL_FLAGS : []), ...output.options, output.path);
  });
  return args;
}
