import { execFile } from 'node:child_process';
import { AppError, Errors } from '@app/domain';
import { withSpan } from '@app/observability';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import ffmpeg, { type FfprobeData } from 'fluent-ffmpeg';
import { buildFramePsnrCommand } from '../clip/frame.builder';
import { type FfmpegCommand, ffmpegArgs, GLOBAL_FLAGS, type ProbeResult } from './ffmpeg-command.types';
import { toProbeResult } from './probe-result.mapper';

export interface MediaLogger {
  log(message: string): void;
  /** command lines: an operator turns them on with LOG_LEVEL=debug */
  debug?(message: string): void;
  error(message: string): void;
}

export interface FfmpegRunnerOptions {
  logger?: MediaLogger;
  deadlines?: Partial<FfmpegDeadlines>;
}

/**
 * A hung ffmpeg must not hold its slot forever: each run gets `baseMs` plus `perMediaSecMs` for every
 * second of media it makes (RunOptions.durationSec), then is SIGKILLed with MEDIA.FFMPEG_TIMEOUT
 * (retryable). ffprobe gets `probeMs`.
 */
export interface FfmpegDeadlines {
  baseMs: number;
  perMediaSecMs: number;
  probeMs: number;
}

export const DEFAULT_FFMPEG_DEADLINES: FfmpegDeadlines = { baseMs: 120_000, perMediaSecMs: 20_000, probeMs: 30_000 };

/** Nest token for `FfmpegRunnerOptions`; the runner works without it. */
export const FFMPEG_RUNNER_OPTIONS = 'FFMPEG_RUNNER_OPTIONS';

export interface RunOptions {
  signal?: AbortSignal;
  /** Expected output length; progress is ffmpeg's reported time over this. */
  durationSec?: number;
  onProgress?: (fraction: number) => void;
  /** Every stderr line as ffmpeg prints it, for callers that read ffmpeg's own measurements. */
  onStderr?: (line: string) => void;
  /** overrides the deadline scaled from `durationSec` */
  deadlineMs?: number;
}

const STDERR_TAIL_LINES = 30;

export class FfmpegError extends AppError {
  constructor(
    message: string,
    readonly args: string[],
    /** The last lines ffmpeg wrote to stderr, progress lines left out. */
    readonly stderr: string,
    options: { cause?: unknown; killed?: boolean; timedOut?: boolean } = {},
  ) {
    super(
      options.timedOut ? Errors.ffmpegTimeout : options.killed ? Errors.ffmpegKilled : Errors.ffmpegFailed,
      message,
      { cause: options.cause },
    );
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
  private readonly deadlines: FfmpegDeadlines;

  constructor(@Optional() @Inject(FFMPEG_RUNNER_OPTIONS) options: FfmpegRunnerOptions = {}) {
    this.logger = options.logger ?? new Logger(FfmpegRunner.name);
    this.deadlines = { ...DEFAULT_FFMPEG_DEADLINES, ...options.deadlines };
  }

  /** How long a run making `durationSec` of media may take before it is killed. */
  deadlineFor(durationSec: number | undefined): number {
    return this.deadlines.baseMs + this.deadlines.perMediaSecMs * Math.max(0, durationSec ?? 0);
  }

  /** One ffmpeg run, as a span of the step that asked for it (command lines are logged at debug). */
  run(cmd: FfmpegCommand, opts: RunOptions = {}): Promise<void> {
    return withSpan('ffmpeg', { 'process.executable.name': 'ffmpeg' }, () => this.spawn(cmd, opts));
  }

  private spawn(cmd: FfmpegCommand, opts: RunOptions): Promise<void> {
    const { signal, durationSec, onProgress, onStderr } = opts;
    const deadlineMs = opts.deadlineMs ?? this.deadlineFor(durationSec);
    const args = ffmpegArgs(cmd);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const command = toFluent(cmd);

    return new Promise<void>((resolve, reject) => {
      const tail: string[] = [];
      let started = false;
      let settled = false;
      let reported = 0;
      let timedOut = false;

      const onAbort = () => {
        // Before the spawn there is nothing to kill yet; the 'start' handler kills it instead.
        if (started) command.kill('SIGKILL');
      };
      const deadline = setTimeout(() => {
        timedOut = true;
        if (started) command.kill('SIGKILL');
      }, deadlineMs);
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };

      command.on('start', () => {
        started = true;
        this.logger.debug?.(`ffmpeg ${args.map(shellQuote).join(' ')}`);
        if (signal?.aborted || timedOut) command.kill('SIGKILL');
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
        if (timedOut) {
          this.logger.error(`ffmpeg outlived its ${deadlineMs} ms deadline and was killed\n${stderr}`);
          return settle(
            new FfmpegError(`ffmpeg did not finish within ${Math.round(deadlineMs / 1000)} s`, args, stderr, {
              cause: error,
              timedOut: true,
            }),
          );
        }
        this.logger.error(`ffmpeg failed: ${error.message}\n${stderr}`);
        // A signal we did not send (the OOM killer, a container stop) may not happen again; a non-zero exit will.
        const killed = /killed with signal/.test(error.message);
        settle(new FfmpegError(error.message, args, stderr, { cause: error, killed }));
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

  /**
   * ffprobe as JSON (the shape fluent-ffmpeg's parser gives), run directly so that it can be killed:
   * past its deadline it is SIGKILLed with MEDIA.FFMPEG_TIMEOUT. FFPROBE_PATH is honoured as fluent-ffmpeg does.
   */
  probe(path: string): Promise<ProbeResult> {
    const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path];
    const binary = process.env.FFPROBE_PATH || 'ffprobe';
    const deadlineMs = this.deadlines.probeMs;
    return new Promise((resolve, reject) => {
      execFile(
        binary,
        args,
        { timeout: deadlineMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) {
            const timedOut = error.killed === true && error.signal === 'SIGKILL';
            const message = timedOut
              ? `ffprobe did not finish within ${Math.round(deadlineMs / 1000)} s`
              : error.message;
            this.logger.error(`ffprobe failed: ${message}\n${stderr}`);
            reject(new FfmpegError(`ffprobe failed: ${message}`, args, String(stderr), { cause: error, timedOut }));
            return;
          }
          try {
            resolve(toProbeResult(JSON.parse(stdout) as FfprobeData));
          } catch (parseError) {
            reject(new FfmpegError('ffprobe printed no readable report', args, String(stderr), { cause: parseError }));
          }
        },
      );
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
