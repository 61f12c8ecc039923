import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, Errors } from '@app/domain';
import { FfmpegRunner } from '@app/media';
import { FrameTensorReader } from '@app/inference';
import { OnnxRuntime } from '@app/inference';
import { OutputSafetyFilter } from './output-safety.filter';
import { redFlagSafetyConfig } from '@app/testing';
import { lavfiCommand, oddWorkDir } from '@app/testing';

describe(OutputSafetyFilter.name, () => {
  const quiet = { log: () => undefined, error: () => undefined, warn: () => undefined };
  const runner = new FfmpegRunner({ logger: quiet });
  const runtime = new OnnxRuntime({ executionProviders: ['cpu'], logger: quiet });
  const frames = new FrameTensorReader(runner);
  let dir: string;
  const clip = async (name: string, graph: string) => {
    const path = join(dir, name);
    await runner.run(lavfiCommand(graph, path));
    return path;
  };

  beforeAll(async () => {
    dir = await oddWorkDir('output-safety');
  });
  afterAll(async () => {
    await runtime.onModuleDestroy();
    await rm(dir, { recursive: true, force: true });
  });

  describe('with the default flashing model', () => {
    const filter = new OutputSafetyFilter(runtime, frames);

    it('blocks a clip that alternates black and white every 2 frames', async () => {
      // 25 fps: 12.5 transitions a second, 6.25 flashes.
      const flashing = await clip(
        'flashing.mp4',
        "color=c=black:s=160x90:r=25:d=2,drawbox=c=white:t=fill:enable='lt(mod(n,4),2)'",
      );
      const verdict = await filter.check(flashing, dir);
      expect(verdict).toMatchObject({ blocked: true, label: 'flash', frames: 60 });
      expect(verdict.score).toBeGreaterThan(0.9);
      expect(verdict.atSec).toBeLessThan(0.2);

      const error = await filter.assertAllowed(flashing, dir).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: Errors.outputBlocked.code, retryable: false });
      expect((error as AppError).message).toMatch(
        /^output blocked by the safety check: "flash" scored 1\.00 at 0\.\d\ds$/,
      );
    });

    it('allows a normal moving test pattern', async () => {
      const normal = await clip('normal.mp4', 'testsrc2=s=320x180:r=25:d=2');
      const verdict = await filter.assertAllowed(normal, dir);
      expect(verdict).toMatchObject({ blocked: false, label: 'flash', frames: 60 });
      expect(verdict.score).toBeLessThan(0.5);
    });

    it('allows 3 flashes a second and blocks 3.75, the broadcast limit', async () => {
      const toggling = (every: number) =>
        `color=c=black:s=160x90:r=30:d=2,drawbox=c=white:t=fill:enable='lt(mod(n,${2 * every}),${every})'`;
      const atLimit = await clip('3 flashes a second.mp4', toggling(5));
      const overLimit = await clip('3.75 flashes a second.mp4', toggling(4));
      expect((await filter.check(atLimit, dir)).blocked).toBe(false);
      expect((await filter.check(overLimit, dir)).blocked).toBe(true);
    });

    it('allows one flash (a white frame cut in once)', async () => {
      const once = await clip(
        'once.mp4',
        "color=c=black:s=160x90:r=25:d=2,drawbox=c=white:t=fill:enable='between(n,20,22)'",
      );
      expect((await filter.check(once, dir)).blocked).toBe(false);
    });
  });

  describe('with a classifier from the test (mean red over 0.6 is flagged)', () => {
    const filter = new OutputSafetyFilter(runtime, frames, redFlagSafetyConfig());

    it('blocks a solid red clip and names the label', async () => {
      const red = await clip('red.mp4', 'color=c=red:s=160x90:r=25:d=1');
      await expect(filter.assertAllowed(red, dir)).rejects.toMatchObject({
        code: 'SAFETY.OUTPUT_BLOCKED',
        retryable: false,
        message: expect.stringContaining('"flagged" scored 1.00 at 0.00s'),
        details: { blocked: true, label: 'flagged', frames: 4 },
      });
    });

    it('passes a blue clip', async () => {
      const blue = await clip('blue.mp4', 'color=c=blue:s=160x90:r=25:d=1');
      expect(await filter.assertAllowed(blue, dir)).toMatchObject({ blocked: false, label: 'flagged', frames: 4 });
    });

    it('refuses a model whose output does not match the configured labels', async () => {
      const blue = await clip('blue-2.mp4', 'color=c=blue:s=160x90:r=25:d=1');
      const mislabelled = new OutputSafetyFilter(
        runtime,
        frames,
        redFlagSafetyConfig({ labels: ['safe', 'flagged', 'other'] }),
      );
      await expect(mislabelled.check(blue, dir)).rejects.toMatchObject({
        code: Errors.inferenceFailed.code,
        message: expect.stringContaining('returned float32 [4,2], expected float32 [4,3]'),
      });
    });
  });

  it('refuses an unusable config at construction', () => {
    expect(() => new OutputSafetyFilter(runtime, frames, redFlagSafetyConfig({ blockLabels: ['nsfw'] }))).toThrow(
      'block labels not among the labels: nsfw',
    );
  });
});
