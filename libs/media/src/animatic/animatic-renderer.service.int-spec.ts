import { CAMERA_MOVES, outputSpecFor, type StoryboardScene } from '@app/domain';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnimaticRenderer } from './animatic-renderer.service';
import { Composer } from '../composer.service';
import { FfmpegRunner } from '../ffmpeg/ffmpeg.runner';

const silent = { log: () => undefined, error: () => undefined };

function scene(overrides: Partial<StoryboardScene> = {}): StoryboardScene {
  return {
    index: 0,
    beat: 'hook',
    durationSec: 2,
    visualPrompt: 'A runner at sunset over the city skyline',
    cameraMove: 'push-in',
    onScreenText: "Breathe easy {\\b1} %{pts} it's: [x]",
    transitionIn: 'cut',
    palette: ['#264653', '#2a9d8f', '#e9c46a', '#f4a261'],
    ...overrides,
  };
}

describe(AnimaticRenderer.name, () => {
  const runner = new FfmpegRunner({ logger: silent });
  const renderer = new AnimaticRenderer(runner);
  const composer = new Composer(runner);
  const spec = outputSpecFor('16:9');
  let dir: string;

  /** A frame picked by number, decoded independently of the code under test. */
  const frameAt = (clip: string, n: number, out: string) =>
    runner.run({
      inputs: [{ path: clip, options: [] }],
      outputs: [
        { path: out, options: ['-vf', `select=eq(n\\,${n})`, '-frames:v', '1', '-pix_fmt', 'rgb24', '-update', '1'] },
      ],
    });

  beforeAll(async () => {
    // Characters that mean something in a filter graph, so every path we splice gets exercised.
    dir = await mkdtemp(join(tmpdir(), "media-animatic-it's: [odd], dir;-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders a 2 s 16:9 scene as 48 frames of 1280x720 yuv420p H.264 at 24 fps', async () => {
    const outPath = join(dir, 'scene_0.mp4');
    const progress: number[] = [];
    await renderer.render(
      { scene: scene(), spec, durationSec: 2, seedFramePath: null, workDir: dir, outPath, seed: 1 },
      { onProgress: (f) => progress.push(f) },
    );
    const probe = await runner.probe(outPath);
    expect(probe.video).toEqual({ codec: 'h264', width: 1280, height: 720, fps: 24, pixFmt: 'yuv420p', frames: 48 });
    expect(probe.audio).toBeNull();
    expect(Math.abs(probe.durationSec - 2)).toBeLessThanOrEqual(0.05);
    expect(progress[progress.length - 1]).toBe(1);
  });

  it('renders a 9:16 scene at 720x1280', async () => {
    const outPath = join(dir, 'vertical.mp4');
    const vertical = outputSpecFor('9:16');
    const text = 'A much longer line of on-screen text that has to wrap to fit a narrow vertical frame 花粉症';
    await renderer.render({
      scene: scene({ cameraMove: 'tilt-up', onScreenText: text }),
      spec: vertical,
      durationSec: 1,
      seedFramePath: null,
      workDir: dir,
      outPath,
      seed: 2,
    });
    const probe = await runner.probe(outPath);
    expect(probe.video).toMatchObject({ codec: 'h264', width: 720, height: 1280, fps: 24, frames: 24 });
  });

  it('opens a seeded scene on the previous clip’s exact last frame', async () => {
    const first = join(dir, 'chain_0.mp4');
    const second = join(dir, 'chain_1.mp4');
    const seed = join(dir, 'chain_0.last.png');
    await renderer.render({
      scene: scene(),
      spec,
      durationSec: 2,
      seedFramePath: null,
      workDir: dir,
      outPath: first,
      seed: 1,
    });
    await composer.lastFrame(first, seed);

    const lastBySelect = join(dir, 'chain_0.frame47.png');
    await frameAt(first, 47, lastBySelect);
    expect(await runner.framePsnr(seed, lastBySelect)).toBe(Infinity);

    await renderer.render({
      scene: scene({
        index: 1,
        cameraMove: 'pan-left',
        visualPrompt: 'A bottle on the beach',
        transitionIn: 'continuous',
      }),
      spec,
      durationSec: 2,
      seedFramePath: seed,
      workDir: dir,
      outPath: second,
      seed: 1,
    });
    expect(await runner.framePsnr(seed, second)).toBeGreaterThanOrEqual(40);

    const secondFirst = join(dir, 'chain_1.frame0.png');
    await frameAt(second, 0, secondFirst);
    expect(await runner.framePsnr(lastBySelect, secondFirst)).toBeGreaterThanOrEqual(35);
  });

  it('starts every camera move on the seed frame', async () => {
    const seed = join(dir, 'moves.seed.png');
    // A busy picture that has been through 4:2:0 like any decoded last frame.
    await runner.run({
      inputs: [{ path: 'testsrc2=s=1280x720:d=1,format=yuv420p', options: ['-f', 'lavfi'] }],
      outputs: [{ path: seed, options: ['-frames:v', '1', '-pix_fmt', 'rgb24', '-update', '1'] }],
    });
    const psnr: Record<string, number> = {};
    for (const move of CAMERA_MOVES) {
      const outPath = join(dir, `move_${move}.mp4`);
      await renderer.render({
        scene: scene({ cameraMove: move, onScreenText: '' }),
        spec,
        durationSec: 0.5,
        seedFramePath: seed,
        workDir: dir,
        outPath,
        seed: 3,
      });
      psnr[move] = await runner.framePsnr(seed, outPath);
    }
    expect(Object.entries(psnr).filter(([, db]) => !(db >= 40))).toEqual([]);
  });

  it('leaves the on-screen text to composition: the picture is the same with or without it', async () => {
    const withText = join(dir, 'text_on.mp4');
    const withoutText = join(dir, 'text_off.mp4');
    const base = { spec, durationSec: 1, seedFramePath: null, workDir: dir, seed: 5 };
    await renderer.render({ ...base, scene: scene({ cameraMove: 'static' }), outPath: withText });
    await renderer.render({ ...base, scene: scene({ cameraMove: 'static', onScreenText: '' }), outPath: withoutText });
    const [on, off] = [join(dir, 'on_12.png'), join(dir, 'off_12.png')];
    await frameAt(withText, 12, on);
    await frameAt(withoutText, 12, off);
    expect(await runner.framePsnr(on, off)).toBe(Infinity);
    expect((await readdir(dir)).filter((f) => f.endsWith('.text.txt'))).toEqual([]);
  });
});
