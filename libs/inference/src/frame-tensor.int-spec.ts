import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FfmpegError, FfmpegRunner } from '@app/media';
import { FrameTensorReader, type FrameTensor } from './frame-tensor';
import { lavfiCommand, oddWorkDir } from '@app/testing';

/** Mean of one channel of frame `f`. */
function channelMean(t: FrameTensor, f: number, channel: number): number {
  const plane = t.dims[2] * t.dims[3];
  const start = (f * 3 + channel) * plane;
  return t.data.subarray(start, start + plane).reduce((s, v) => s + v, 0) / plane;
}

/** 'r', 'g' or 'b': the channel that dominates frame `f`. */
function dominant(t: FrameTensor, f: number): string {
  const means = [0, 1, 2].map((c) => channelMean(t, f, c));
  return 'rgb'[means.indexOf(Math.max(...means))];
}

describe(FrameTensorReader.name, () => {
  const runner = new FfmpegRunner({ logger: { log: () => undefined, error: () => undefined } });
  const reader = new FrameTensorReader(runner);
  let dir: string;
  let redThenBlue: string;

  beforeAll(async () => {
    dir = await oddWorkDir('frame-tensor');
    redThenBlue = join(dir, 'red then blue.mp4');
    // 1 s red, then 1 s blue, 25 fps.
    await runner.run(
      lavfiCommand(
        'color=c=red:s=160x90:r=25:d=1[a];color=c=blue:s=160x90:r=25:d=1[b];[a][b]concat=n=2:v=1:a=0',
        redThenBlue,
      ),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads an image as one NCHW frame in [0,1] at the asked size', async () => {
    const png = join(dir, 'bars.png');
    await runner.run(lavfiCommand('smptebars=s=320x240', png));
    const t = await reader.firstFrame(png, { width: 48, height: 32 }, dir);
    expect(t.dims).toEqual([1, 3, 32, 48]);
    expect(t.data.length).toBe(3 * 32 * 48);
    expect(Math.min(...t.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...t.data)).toBeLessThanOrEqual(1);
  });

  it('reads the first and the last frame of a video', async () => {
    const size = { width: 16, height: 16 };
    const [first, last] = await Promise.all([
      reader.firstFrame(redThenBlue, size, dir),
      reader.lastFrame(redThenBlue, size, dir),
    ]);
    expect(first.dims).toEqual([1, 3, 16, 16]);
    expect(channelMean(first, 0, 0)).toBeGreaterThan(0.9);
    expect(channelMean(first, 0, 2)).toBeLessThan(0.1);
    expect(last.dims).toEqual([1, 3, 16, 16]);
    expect(channelMean(last, 0, 2)).toBeGreaterThan(0.9);
    expect(channelMean(last, 0, 0)).toBeLessThan(0.1);
  });

  it('reads the last frame of a clip shorter than a second', async () => {
    const short = join(dir, 'short.mp4');
    await runner.run(lavfiCommand('color=c=green:s=64x64:r=25:d=0.4', short));
    const last = await reader.lastFrame(short, { width: 8, height: 8 }, dir);
    expect(last.dims[0]).toBe(1);
    expect(dominant(last, 0)).toBe('g');
  });

  it('spreads a frame count evenly over the probed duration', async () => {
    const t = await reader.sampledFrames(redThenBlue, { width: 8, height: 8 }, { frames: 4 }, dir);
    expect(t.dims).toEqual([4, 3, 8, 8]);
    expect(t.timesSec).toEqual([0, 0.5, 1, 1.5]);
    expect([0, 1, 2, 3].map((f) => dominant(t, f))).toEqual(['r', 'r', 'b', 'b']);
  });

  it('samples at a fixed rate, each frame showing its time', async () => {
    const t = await reader.sampledFrames(redThenBlue, { width: 8, height: 8 }, { fps: 10 }, dir);
    expect(t.dims[0]).toBe(20);
    expect(t.timesSec.slice(0, 3)).toEqual([0, 0.1, 0.2]);
    t.timesSec.forEach((sec, f) => {
      if (sec < 0.95) expect(dominant(t, f)).toBe('r');
      if (sec > 1.05) expect(dominant(t, f)).toBe('b');
    });
  });

  it('leaves no raw files behind, also when ffmpeg fails', async () => {
    const notVideo = join(dir, 'notes.txt');
    await writeFile(notVideo, 'not a video');
    await expect(reader.firstFrame(notVideo, { width: 8, height: 8 }, dir)).rejects.toBeInstanceOf(FfmpegError);
    expect((await readdir(dir)).filter((name) => name.endsWith('.rgb'))).toEqual([]);
  });
});
