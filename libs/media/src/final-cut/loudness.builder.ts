import { type FfmpegCommand } from '../ffmpeg/ffmpeg-command.types';

export interface LoudnessMeasurement {
  integratedLufs: number;
  truePeakDb: number;
  lra: number;
}

/**
 * EBU R128 measurement of a file's first audio stream: integrated loudness, loudness range and
 * true peak (4x oversampled). Per-frame lines are logged at verbose, so stderr holds the summary.
 */
export function buildMeasureLoudnessCommand(path: string): FfmpegCommand {
  return {
    inputs: [{ path, options: [] }],
    outputs: [
      {
        path: '-',
        options: ['-map', '0:a:0', '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null'],
      },
    ],
  };
}

function value(lines: readonly string[], label: string, unit: string): number {
  const pattern = new RegExp(`^\\s*${label}:\\s*(-?inf|-?[\\d.]+)\\s*${unit}\\s*$`);
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = pattern.exec(lines[i]);
    if (match) return match[1].endsWith('inf') ? (match[1].startsWith('-') ? -Infinity : Infinity) : Number(match[1]);
  }
  throw new RangeError(`ebur128 printed no ${label} in its summary`);
}

/** The integrated loudness, loudness range and true peak from ebur128's summary on stderr. */
export function parseEbur128Summary(lines: readonly string[]): LoudnessMeasurement {
  const summary = lines.findLastIndex((l) => /\bSummary:\s*$/.test(l));
  if (summary < 0) throw new RangeError('ebur128 printed no summary');
  const tail = lines.slice(summary);
  return {
    integratedLufs: value(tail, 'I', 'LUFS'),
    truePeakDb: value(tail, 'Peak', 'dBFS'),
    lra: value(tail, 'LRA', 'LU'),
  };
}
