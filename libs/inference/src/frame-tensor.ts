import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@app/domain';
import { type FfmpegCommand, FfmpegRunner } from '@app/media';
import { Injectable } from '@nestjs/common';
import { Errors } from '@app/domain';
import {
  buildFirstFrameTensorCommand,
  buildLastFrameTensorCommand,
  buildSampledFramesTensorCommand,
  type FrameSampling,
  type FrameSize,
  samplingRate,
} from './frame-tensor.builder';

/** Frames as a model takes them: float32 NCHW, RGB planes scaled to [0,1]. */
export interface FrameTensor {
  data: Float32Array;
  dims: [frames: number, channels: 3, height: number, width: number];
}

export interface SampledFrameTensor extends FrameTensor {
  /** The video time each frame shows, in seconds. */
  timesSec: number[];
}

/** Packed rgb24 frames (HWC, bytes) to planar float32 NCHW in [0,1]; a trailing partial frame is dropped. */
export function rgb24ToTensor(bytes: Uint8Array, size: FrameSize): FrameTensor {
  const plane = size.width * size.height;
  const frames = Math.floor(bytes.length / (plane * 3));
  const data = new Float32Array(frames * 3 * plane);
  for (let f = 0; f < frames; f++) {
    const src = f * plane * 3;
    const dst = f * plane * 3;
    for (let p = 0; p < plane; p++) {
      data[dst + p] = bytes[src + p * 3] / 255;
      data[dst + plane + p] = bytes[src + p * 3 + 1] / 255;
      data[dst + 2 * plane + p] = bytes[src + p * 3 + 2] / 255;
    }
  }
  return { data, dims: [frames, 3, size.height, size.width] };
}

/**
 * Decodes frames into tensors through `FfmpegRunner`. ffmpeg writes raw RGB to a uniquely named
 * file in the caller's work dir (so concurrent reads never share one), which is read and removed.
 */
@Injectable()
export class FrameTensorReader {
  constructor(private readonly ffmpeg: FfmpegRunner) {}

  /** The first frame of an image (PNG, JPEG) or video. */
  firstFrame(path: string, size: FrameSize, workDir: string, signal?: AbortSignal): Promise<FrameTensor> {
    return this.read((out) => buildFirstFrameTensorCommand(path, size, out), size, workDir, path, signal);
  }

  /** The last frame of a video. */
  lastFrame(path: string, size: FrameSize, workDir: string, signal?: AbortSignal): Promise<FrameTensor> {
    return this.read((out) => buildLastFrameTensorCommand(path, size, out), size, workDir, path, signal);
  }

  /** Frames at a steady rate (`{ fps }`) or a count spread evenly over the probed duration (`{ frames }`). */
  async sampledFrames(
    path: string,
    size: FrameSize,
    sampling: FrameSampling,
    workDir: string,
    signal?: AbortSignal,
  ): Promise<SampledFrameTensor> {
    const durationSec = 'frames' in sampling ? (await this.ffmpeg.probe(path)).durationSec : undefined;
    const rate = samplingRate(sampling, durationSec);
    const tensor = await this.read(
      (out) => buildSampledFramesTensorCommand(path, size, rate, out),
      size,
      workDir,
      path,
      signal,
    );
    return { ...tensor, timesSec: Array.from({ length: tensor.dims[0] }, (_, i) => i / rate.fps) };
  }

  private async read(
    build: (outRaw: string) => FfmpegCommand,
    size: FrameSize,
    workDir: string,
    source: string,
    signal?: AbortSignal,
  ): Promise<FrameTensor> {
    const out = join(workDir, `frames-${randomUUID()}.rgb`);
    try {
      await this.ffmpeg.run(build(out), { signal });
      const tensor = rgb24ToTensor(await readFile(out), size);
      if (tensor.dims[0] === 0) {
        throw new AppError(Errors.inferenceFailed, `ffmpeg decoded no video frame from ${source}`);
      }
      return tensor;
    } finally {
      await rm(out, { force: true });
    }
  }
}
