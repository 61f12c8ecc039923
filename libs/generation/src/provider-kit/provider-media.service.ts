import { open } from 'node:fs/promises';
import { type OutputSpec } from '@app/domain';
import { FfmpegError, type FfmpegRunner, type ProbeResult } from '@app/media';
import { ProviderError } from '../throughput/provider.errors';
import { Errors } from '@app/domain';
import {
  buildFitImageCommand,
  buildMusicBedCommand,
  buildNormaliseClipCommand,
  clipFrames,
} from './provider-media.builder';

/**
 * Fits what a provider returned to what the pipeline needs, through the one ffmpeg runner. A file
 * ffmpeg cannot read is the provider's fault (PROVIDER.BAD_OUTPUT, worth fetching again), not ours.
 */
export class ProviderMedia {
  constructor(
    private readonly ffmpeg: FfmpegRunner,
    private readonly provider: string,
  ) {}

  async probe(path: string, needs: 'video' | 'audio' | 'image'): Promise<ProbeResult> {
    // A playlist would send ffmpeg fetching segments from wherever it points: refused before any probe.
    if (await isPlaylist(path)) throw this.badOutput(`${needs} output is a playlist (HLS), not a media file`);
    let probe: ProbeResult;
    try {
      probe = await this.ffmpeg.probe(path);
    } catch (error) {
      throw this.badOutput(`${needs} output is not a readable media file`, error);
    }
    const ok = needs === 'audio' ? probe.audio !== null : probe.video !== null && probe.video.width > 0;
    if (!ok) throw this.badOutput(`output has no ${needs} stream`);
    if (needs === 'video' && !(probe.durationSec > 0)) throw this.badOutput('video output has no duration');
    return probe;
  }

  async normaliseClip(
    inputPath: string,
    outPath: string,
    spec: OutputSpec,
    durationSec: number,
    slowdown: number,
    opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
  ): Promise<ProbeResult> {
    await this.probe(inputPath, 'video');
    await this.run(buildNormaliseClipCommand({ inputPath, outPath, spec, durationSec, slowdown }), {
      ...opts,
      durationSec,
    });
    const out = await this.ffmpeg.probe(outPath);
    const frames = out.video?.frames ?? null;
    if (!out.video || out.video.width !== spec.width || out.video.height !== spec.height)
      throw this.badOutput(`normalised clip is not ${spec.width}x${spec.height}`);
    if (frames !== null && frames !== clipFrames(durationSec, spec.fps))
      throw this.badOutput(`normalised clip has ${frames} frames, not ${clipFrames(durationSec, spec.fps)}`);
    return out;
  }

  async musicBed(inputPath: string, outPath: string, durationSec: number, signal?: AbortSignal): Promise<void> {
    await this.probe(inputPath, 'audio');
    await this.run(buildMusicBedCommand({ inputPath, outPath, durationSec }), { signal, durationSec });
  }

  async fitImage(inputPath: string, outPath: string, width: number, height: number, signal?: AbortSignal) {
    await this.probe(inputPath, 'image');
    await this.run(buildFitImageCommand(inputPath, outPath, width, height), { signal });
  }

  private async run(cmd: Parameters<FfmpegRunner['run']>[0], opts: Parameters<FfmpegRunner['run']>[1]) {
    try {
      await this.ffmpeg.run(cmd, opts);
    } catch (error) {
      if (error instanceof FfmpegError && !error.retryable)
        throw this.badOutput('ffmpeg could not decode the output', error);
      throw error;
    }
  }

  private badOutput(message: string, cause?: unknown): ProviderError {
    return new ProviderError(
      Errors.providerBadOutput,
      `${this.provider}: ${message}`,
      { provider: this.provider },
      { cause },
    );
  }
}

/** An HLS (or other M3U) playlist starts with `#EXTM3U`, possibly after a byte-order mark. */
async function isPlaylist(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(16), 0, 16, 0);
    return /^(\uFEFF)?\s*#EXTM3U/.test(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await file.close();
  }
}
