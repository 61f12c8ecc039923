import { AppError, ErrorCodes } from '@app/domain';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import ffmpeg from 'fluent-ffmpeg';
import { buildFramePsnrCommand } from './frame.builder';
import { type FfmpegCommand, ffmpegArgs, GLOBAL_FLAGS, type ProbeResult } from './ffmpeg-command.types';
import { toProbeResult } from './probe-result.mapper';

export interface MediaLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface FfmpegRunnerOptions {
  logger?: MediaLogger;
}

/** Nest token for `FfmpegRunnerOptions`; the runner works without it. */
export const FFMPEG_RUNNER_OPTIONS = 'FFMPEG_RUNNER_OPTIONS';

export interface RunOptions {
  signal?: AbortSignal;
  /** Expected output length; progress is ffmpeg's reported time over this. */
  durationSec?: number;
  onProgress?: (fraction: number) => void;
  /** Every stderr line as ffmpeg prints it, for callers that read ffmpeg's own measurements. */
  onStderr?: (line: string) => void;
}

const STDERR_TAIL_LINES = 30;

export class FfmpegError extends AppError {
  constructor(
    message: string,
    readonly args: string[],
    /** The last lines ffmpeg wrote to stderr, progress lines left out. */
    readonly stderr: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(ErrorCodes.ffmpeg, message, options);
    this.name = 'FfmpegError';
  }
}

function abortError(signal: AbortSignal): Error {
  const error = new Error('ffmpeg was aborted', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}

const PROGRESS_LINE = /^\s*(?:frame|size)=.*\btime=(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/;

/** Seconds of output ffmpeg reports on a progress line, or null when the line is not one. */
export function progressTime(line: string): number | null {
  const match = PROGRESS_LINE.exec(line);
  if (!match) return null;
  if (match[1]) return 0;
  return Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
}

/** The average PSNR from the psnr filter's summary line; identical frames report `inf`. */
export function parsePsnr(lines: readonly string[]): number | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /\bPSNR\b.*\baverage:(inf|[\d.]+)/.exec(lines[i]);
    if (match) return match[1] === 'inf' ? Infinity : Number(match[1]);
  }
  return null;
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * fluent-ffmpeg splits a lone option on its space ("-x y" becomes two arguments); passing options
 * as separate arguments turns that off, so a single option with a space cannot be passed safely.
 */
function optionList(options: readonly string[]): string[] {
  if (options.length === 1 && options[0].includes(' ')) {
    throw new RangeError(`a single ffmpeg option cannot contain a space: ${JSON.stringify(options[0])}`);
  }
  return [...options];
}

function toFluent(cmd: FfmpegCommand): ffmpeg.FfmpegCommand {
  const command = ffmpeg();
  cmd.inputs.forEach((input, i) => {
    command.input(input.path);
    const options = optionList([...(i === 0 ? GLOBAL_FLAGS : []), ...input.options]);
    if (options.length) command.inputOptions(...options);
  });
  if (cmd.filterComplex) command.complexFilter(cmd.filterComplex);
  cmd.outputs.forEach((output, i) => {
    command.output(output.path);
    const options = optionList([...(i === 0 && cmd.inputs.length === 0 ? GLOBAL_FLAGS : []), ...output.options]);
    if (options.length) command.outputOptions(...options);
  });
  return command;
}

/** The argv fluent-ffmpeg would spawn for `cmd`; exposed so a test can hold it to `ffmpegArgs`. */
export function fluentArgs(cmd: FfmpegCommand): string[] {
  return (toFluent(cmd) as unknown as { _getArguments(): string[] })._getArguments();
}

/** The one place that starts ffmpeg (and ffprobe). Everything else hands it a `FfmpegCommand`. */
@Injectable()
export class FfmpegRunner {
  private readonly logger: MediaLogger;

  constructor(@Optional() @Inject(FFMPEG_RUNNER_OPTIONS) options: FfmpegRunnerOptions = {}) {
    this.logger = options.logger ?? new Logger(FfmpegRunner.name);
  }

  run(cmd: FfmpegCommand, opts: RunOptions = {}): Promise<void> {
    const { signal, durationSec, onProgress, onStderr } = opts;
    const args = ffmpegArgs(cmd);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const command = toFluent(cmd);

    return new Promise<void>((resolve, reject) => {
      const tail: string[] = [];
      let started = false;
      let settled = false;
      let reported = 0;

      const onAbort = () => {
        // Before the spawn there is nothing to kill yet; the 'start' handler kills it instead.
        if (started) command.kill('SIGKILL');
      };
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };

      command.on('start', () => {
        started = true;
        this.logger.log(`ffmpeg ${args.map(shellQuote).join(' ')}`);
        if (signal?.aborted) command.kill('SIGKILL');
      });
      command.on('stderr', (line: string) => {
        onStderr?.(line);
        const time = progressTime(line);
        if (time === null) {
          tail.push(line);
          if (tail.length > STDERR_TAIL_LINES) tail.shift();
        } else if (onProgress && durationSec && durationSec > 0) {
          const fraction = Math.min(1, Math.max(0, time / durationSec));
          if (fraction > reported) {
            reported = fraction;
            onProgress(fraction);
          }
        }
      });
      command.on('error', (error: Error) => {
        if (signal?.aborted) return settle(abortError(signal));
        const stderr = tail.join('\n');
        this.logger.error(`ffmpeg failed: ${error.message}\n${stderr}`);
        // A signal we did not send (the OOM killer, a container stop) may not happen again; a non-zero exit will.
        const retryable = /killed with signal/.test(error.message);
        settle(new FfmpegError(error.message, args, stderr, { cause: error, retryable }));
      });
      command.on('end', () => {
        if (signal?.aborted) return settle(abortError(signal));
        if (onProgress && reported < 1) onProgress(1);
        settle();
      });

      signal?.addEventListener('abort', onAbort, { once: true });
      command.run();
    });
  }

  probe(path: string): Promise<ProbeResult> {
    return new Promise((resolve, reject) => {
      ffmpeg.ffprobe(path, (error: unknown, data) => {
        if (error) {
          const message = error instanceof Error ? error.message : String(error);
          reject(new FfmpegError(`ffprobe failed: ${message}`, ['-show_streams', '-show_format', path], message));
          return;
        }
        resolve(toProbeResult(data));
      });
    });
  }

  /** Average PSNR (dB) between the first frames of two images or videos; Infinity when identical. */
  async framePsnr(aPath: string, bPath: string): Promise<number> {
    const lines: string[] = [];
    const cmd = buildFramePsnrCommand(aPath, bPath);
    await this.run(cmd, { onStderr: (line) => lines.push(line) });
    const psnr = parsePsnr(lines);
    if (psnr === null)
      throw new FfmpegError('ffmpeg printed no PSNR summary', ffmpegArgs(cmd), lines.slice(-30).join('\n'));
    return psnr;
  }
}
