import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelRegistry } from '@app/generation';
import { buildRedFlagClassifier } from '@app/testing';
import { buildContinuityModel } from '@tools/onnx-models';
import { FrameTensorReader, OnnxRuntime } from '@app/inference';
import { FfmpegRunner } from '@app/media';
import { SceneChecks } from './scene-checks.service';

const quiet = { log: () => undefined, warn: () => undefined };
const ffmpeg = new FfmpegRunner({ logger: { log: () => undefined, error: () => undefined } });

/** The registry's ONNX profiles, as a worker reads them: the built-in models, or any file by path. */
describe(SceneChecks.name, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelsmith-checks-'));
    await ffmpeg.run({
      inputs: [{ path: 'testsrc2=s=320x180:r=24:d=1', options: ['-f', 'lavfi'] }],
      outputs: [{ path: join(dir, 'clip.mp4'), options: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'] }],
    });
    await ffmpeg.run({
      inputs: [{ path: join(dir, 'clip.mp4'), options: [] }],
      outputs: [{ path: join(dir, 'first.png'), options: ['-frames:v', '1', '-update', '1'] }],
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const checks = (file: unknown, executionProviders = ['cpu']) =>
    new SceneChecks(
      new OnnxRuntime({ executionProviders, logger: quiet }),
      new FrameTensorReader(ffmpeg),
      loadModelRegistry(
        { providers: { modelsFile: file ? 'models.json' : null, vllmOmniBaseUrls: [], replicateTokens: [] } },
        { readFile: () => JSON.stringify(file) },
      ),
    );

  it('loads both built-in models onto a slot’s device once, CUDA first and the CPU when CUDA is absent', async () => {
    const c = checks(null, ['cuda', 'cpu']);
    await Promise.all([c.warm('1'), c.warm('1')]);
    expect(c.loaded()).toEqual([
      expect.objectContaining({ key: 'reelsmith/continuity-ssim-7x7', device: 1, executionProviders: ['cpu'] }),
      expect.objectContaining({ key: expect.stringMatching(/^reelsmith\/flash-bt1702/), device: 1 }),
    ]);
    const scores = await c.boundaries(join(dir, 'clip.mp4'), { start: join(dir, 'first.png'), end: null }, dir, '1');
    expect(scores.start!).toBeGreaterThan(0.95);
    expect(scores.end).toBeNull();
  });

  it('takes any model file by path from the registry, for continuity and for safety', async () => {
    await writeFile(join(dir, 'continuity.onnx'), buildContinuityModel({ window: 5 }));
    await writeFile(join(dir, 'red.onnx'), buildRedFlagClassifier());
    const c = checks({
      profiles: {
        continuity_default: {
          kind: 'continuity',
          provider: 'onnx',
          model: 'acme/ssim-5x5',
          path: join(dir, 'continuity.onnx'),
          threshold: 0.7,
          inputSize: 32,
        },
        safety_default: {
          kind: 'safety',
          provider: 'onnx',
          model: 'acme/red',
          path: join(dir, 'red.onnx'),
          labels: ['safe', 'flagged'],
          blockLabels: ['flagged'],
          threshold: 0.5,
          inputSize: 16,
          sampleFps: 4,
        },
      },
    });
    expect(c.continuityThreshold).toBe(0.7);
    const scores = await c.boundaries(
      join(dir, 'clip.mp4'),
      { start: join(dir, 'first.png'), end: join(dir, 'first.png') },
      dir,
      null,
    );
    expect(scores.start!).toBeGreaterThan(0.95);
    expect(scores.end!).toBeLessThan(scores.start!); // the clip moves: its last frame is not its first
    await expect(c.assertSafe(join(dir, 'clip.mp4'), dir, null)).resolves.toMatchObject({ blocked: false });
    expect(
      c
        .loaded()
        .map((m) => m.key)
        .sort(),
    ).toEqual(['acme/red', 'acme/ssim-5x5']);
  });
});
