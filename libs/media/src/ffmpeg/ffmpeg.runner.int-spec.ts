import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegError, FfmpegRunner } from './ffmpeg.runner';

function isRunning(marker: string): boolean {
  try {
    execFileSync('pgrep', ['-f', marker]);
    return true;
  } catch {
    return false;
  }
}

describe(FfmpegRunner.name, () => {
  const log = jest.fn();
  const runner = new FfmpegRunner({ logger: { log: jest.fn(), debug: log, error: jest.fn() } });
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-runner-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a command, logs its command line and reports progress up to 1', async () => {
    const out = join(dir, 'tone.mp4');
    const progress: number[] = [];
    await runner.run(
      {
        inputs: [
          { path: 'testsrc2=s=320x240:r=24:d=2', options: ['-f', 'lavfi'] },
          { path: 'sine=frequency=440:sample_rate=48000:duration=2', options: ['-f', 'lavfi'] },
        ],
        outputs: [
          {
            path: out,
            options: [
              '-c:v',
              'libx264',
              '-preset',
              'ultrafast',
              '-pix_fmt',
              'yuv420p',
              '-c:a',
              'aac',
              '-metadata',
              'comment=two words',
            ],
          },
        ],
      },
      { durationSec: 2, onProgress: (f) => progress.push(f) },
    );
    expect(log).toHaveBeenCalledWith(
      expect.stringMatching(/^ffmpeg -hide_banner -nostdin -f lavfi -i .* -y .*'comment=two words'/),
    );
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toBe(1);

    const probe = await runner.probe(out);
    expect(probe).toMatchObject({
      video: { codec: 'h264', width: 320, height: 240, fps: 24, pixFmt: 'yuv420p', frames: 48 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 1 },
      tags: { comment: 'two words' },
    });
    expect(probe.durationSec).toBeCloseTo(2, 1);
    expect(probe.formatName).toContain('mp4');
  });

  it('measures PSNR between frames: Infinity when identical, finite when not', async () => {
    const a = join(dir, 'a.png');
    const b = join(dir, 'b.png');
    const frame = (src: string, out: string) =>
      runner.run({
        inputs: [{ path: src, options: ['-f', 'lavfi'] }],
        outputs: [{ path: out, options: ['-frames:v', '1', '-update', '1'] }],
      });
    await frame('testsrc2=s=320x240:d=1', a);
    await frame('testsrc2=s=320x240:d=1,hue=h=40', b);
    expect(await runner.framePsnr(a, a)).toBe(Infinity);
    const psnr = await runner.framePsnr(a, b);
    expect(Number.isFinite(psnr)).toBe(true);
    expect(psnr).toBeLessThan(40);
  });

  it('rejects with FfmpegError carrying the args and the stderr tail when ffmpeg fails', async () => {
    const missing = join(dir, 'missing.mp4');
    const error = await runner
      .run({ inputs: [{ path: missing, options: [] }], outputs: [{ path: join(dir, 'x.mp4'), options: [] }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegError);
    expect(error).toMatchObject({ code: 'MEDIA.FFMPEG_FAILED', name: 'FfmpegError', retryable: false });
    const ffmpegError = error as FfmpegError;
    expect(ffmpegError.args).toEqual(['-hide_banner', '-nostdin', '-i', missing, '-y', join(dir, 'x.mp4')]);
    expect(ffmpegError.stderr).toContain('No such file or directory');
    expect(ffmpegError.stderr.split('\n').length).toBeLessThanOrEqual(30);
  });

  it('reports an invalid filter graph in the error', async () => {
    const error = await runner
      .run({
        inputs: [{ path: 'color=s=16x16:d=1', options: ['-f', 'lavfi'] }],
        filterComplex: '[0:v]nosuchfilter[v]',
        outputs: [{ path: '-', options: ['-map', '[v]', '-f', 'null'] }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegError);
    expect((error as FfmpegError).stderr).toMatch(/nosuchfilter/);
  });

  it('kills ffmpeg and rejects with AbortError soon after the signal aborts', async () => {
    const marker = `abort-marker-${process.pid}-${Date.now()}`;
    const out = join(dir, `${marker}.mp4`);
    const controller = new AbortController();
    let abortedAt = 0;
    const running = runner.run(
      {
        inputs: [{ path: 'testsrc2=s=1280x720:r=24:d=600', options: ['-f', 'lavfi'] }],
        outputs: [{ path: out, options: ['-c:v', 'libx264', '-preset', 'veryfast'] }],
      },
      {
        signal: controller.signal,
        durationSec: 600,
        onProgress: () => {
          if (abortedAt) return;
          abortedAt = Date.now();
          controller.abort();
        },
      },
    );
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(1500);
    expect(isRunning(marker)).toBe(false);
  });

  it('rejects probing a file that is not media', async () => {
    await expect(runner.probe(join(dir, 'nothing-here.mp4'))).rejects.toBeInstanceOf(FfmpegError);
  });

  it('kills an ffmpeg that outlives its deadline and fails with the retryable MEDIA.FFMPEG_TIMEOUT', async () => {
    const marker = `deadline-marker-${process.pid}-${Date.now()}`;
    const short = new FfmpegRunner({ logger: { log, error: jest.fn() }, deadlines: { baseMs: 500, perMediaSecMs: 0 } });
    const running = short.run({
      // realtime (-re) over a 10 minute source: it cannot finish within the deadline
      inputs: [{ path: 'testsrc2=s=160x120:r=10:d=600', options: ['-re', '-f', 'lavfi'] }],
      outputs: [{ path: join(dir, `${marker}.mp4`), options: ['-c:v', 'libx264', '-preset', 'ultrafast'] }],
    });
    const error = await running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FfmpegError);
    expect(error).toMatchObject({ code: 'MEDIA.FFMPEG_TIMEOUT', retryable: true });
    expect(isRunning(marker)).toBe(false);
  });

  it('scales the deadline with the media made', () => {
    const scaled = new FfmpegRunner({
      logger: { log, error: jest.fn() },
      deadlines: { baseMs: 1_000, perMediaSecMs: 100 },
    });
    expect(scaled.deadlineFor(undefined)).toBe(1_000);
    expect(scaled.deadlineFor(30)).toBe(4_000);
  });

  it('kills an ffprobe that hangs and fails with MEDIA.FFMPEG_TIMEOUT', async () => {
    const fake = join(dir, 'hanging-ffprobe');
    await writeFile(fake, '#!/bin/sh\nexec sleep 60\n');
    await chmod(fake, 0o755);
    const previous = process.env.FFPROBE_PATH;
    process.env.FFPROBE_PATH = fake;
    try {
      const short = new FfmpegRunner({ logger: { log, error: jest.fn() }, deadlines: { probeMs: 300 } });
      await expect(short.probe(join(dir, 'any.mp4'))).rejects.toMatchObject({ code: 'MEDIA.FFMPEG_TIMEOUT' });
    } finally {
      if (previous === undefined) delete process.env.FFPROBE_PATH;
      else process.env.FFPROBE_PATH = previous;
    }
  });

  it('probes a real clip through ffprobe JSON', async () => {
    const clip = join(dir, 'probe.mp4');
    await runner.run({
      inputs: [
        { path: 'testsrc2=s=320x240:r=24:d=1', options: ['-f', 'lavfi'] },
        { path: 'sine=frequency=440:sample_rate=48000:duration=1', options: ['-f', 'lavfi'] },
      ],
      outputs: [{ path: clip, options: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'] }],
    });
    const probe = await runner.probe(clip);
    expect(probe.video).toMatchObject({ codec: 'h264', width: 320, height: 240, fps: 24, pixFmt: 'yuv420p' });
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 1 });
    expect(probe.durationSec).toBeGreaterThan(0.9);
  });
});
