import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildLastFrameCommand, FfmpegRunner } from '@app/media';
import { buildContinuityModel } from '@tools/onnx-models';
import { ContinuityScorer } from './continuity-scorer';
import { FrameTensorReader } from './frame-tensor';
import { onnxModelFile, OnnxRuntime } from './onnx-runtime.service';
import { lavfiCommand, oddWorkDir, stillClipCommand } from '@app/testing';

describe(ContinuityScorer.name, () => {
  const quiet = { log: () => undefined, error: () => undefined, warn: () => undefined };
  const runner = new FfmpegRunner({ logger: quiet });
  const runtime = new OnnxRuntime({ executionProviders: ['cpu'], logger: quiet });
  const scorer = new ContinuityScorer(runtime, new FrameTensorReader(runner));
  let dir: string;
  let seedPng: string;

  beforeAll(async () => {
    dir = await oddWorkDir('continuity');
    // Scene A, and its exact last frame as the pipeline takes it: the seed of the next scene.
    const sceneA = join(dir, 'scene a.mp4');
    await runner.run(lavfiCommand('testsrc2=s=320x180:r=25:d=1', sceneA));
    seedPng = join(dir, 'scene a.last.png');
    await runner.run(buildLastFrameCommand(sceneA, seedPng));
  });
  afterAll(async () => {
    await runtime.onModuleDestroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('scores a clip that opens on the exact seed frame at least 0.95', async () => {
    const continued = join(dir, 'continued.mp4');
    await runner.run(stillClipCommand(seedPng, 1, continued));
    expect(await scorer.score(seedPng, continued, dir)).toBeGreaterThanOrEqual(0.95);
  });

  it('scores a clip that opens on another picture low', async () => {
    const cut = join(dir, 'cut.mp4');
    await runner.run(lavfiCommand('smptebars=s=320x180:r=25:d=1', cut));
    expect(await scorer.score(seedPng, cut, dir)).toBeLessThan(0.5);
    const flat = join(dir, 'flat.mp4');
    await runner.run(lavfiCommand('color=c=0x2050A0:s=320x180:r=25:d=1', flat));
    expect(await scorer.score(seedPng, flat, dir)).toBeLessThan(0.5);
  });

  it('scores the seed recoloured (hue turned, brightness kept) below a faithful continuation', async () => {
    const recoloured = join(dir, 'recoloured.mp4');
    const faithful = join(dir, 'faithful.mp4');
    await runner.run(stillClipCommand(seedPng, 1, faithful));
    await runner.run(stillClipCommand(seedPng, 1, recoloured, 'hue=h=120'));
    const [hueScore, faithfulScore] = await Promise.all([
      scorer.score(seedPng, recoloured, dir),
      scorer.score(seedPng, faithful, dir),
    ]);
    expect(hueScore).toBeLessThan(0.85);
    expect(hueScore).toBeLessThan(faithfulScore - 0.1);
  });

  it('runs any ONNX file with the continuity signature', async () => {
    const modelPath = join(dir, 'continuity.onnx');
    await writeFile(modelPath, buildContinuityModel({ window: 8, stride: 4 }));
    const fromFile = new ContinuityScorer(runtime, new FrameTensorReader(runner), {
      model: onnxModelFile(modelPath),
      size: { width: 96, height: 54 },
    });
    const continued = join(dir, 'continued-2.mp4');
    await runner.run(stillClipCommand(seedPng, 1, continued));
    expect(await fromFile.score(seedPng, continued, dir)).toBeGreaterThanOrEqual(0.95);
    expect(runtime.loaded().map((m) => m.key)).toContain(modelPath);
  });
});
