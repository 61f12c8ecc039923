import { outputSpecFor, type StoryboardScene } from '@app/domain';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnimaticRenderer } from './animatic/animatic-renderer.service';
import { Composer } from './composer.service';
import { FfmpegRunner } from './ffmpeg/ffmpeg.runner';

const silent = { log: () => undefined, error: () => undefined };

/** The small jobs around the final cut (which has its own suites): poster, seed frames, music encoding. */
describe(Composer.name, () => {
  const runner = new FfmpegRunner({ logger: silent });
  const composer = new Composer(runner);
  const spec = outputSpecFor('16:9');
  const scene: StoryboardScene = {
    index: 0,
    beat: 'hook',
    durationSec: 2,
    visualPrompt: 'A city skyline at dusk',
    cameraMove: 'push-in',
    onScreenText: '',
    transitionIn: 'cut',
    palette: ['#264653', '#2a9d8f', '#e9c46a', '#e76f51'],
  };
  let dir: string;
  let clip: string;
  let music: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "media-compose-it's: [odd], dir;-"));
    clip = join(dir, 'scene_0.mp4');
    await new AnimaticRenderer(runner).render({
      scene,
      spec,
      durationSec: 2,
      seedFramePath: null,
      workDir: dir,
      outPath: clip,
      seed: 4,
    });
    music = join(dir, 'music.wav');
    await runner.run({
      inputs: [{ path: 'sine=frequency=330:sample_rate=44100:duration=8', options: ['-f', 'lavfi'] }],
      outputs: [{ path: music, options: ['-ac', '2', '-c:a', 'pcm_s16le'] }],
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a full-size JPEG poster', async () => {
    const poster = join(dir, 'poster.jpg');
    await composer.poster(clip, 1, poster);
    const probe = await runner.probe(poster);
    expect(probe.video).toMatchObject({ codec: 'mjpeg', width: 1280, height: 720 });
  });

  it('extracts exactly the last decoded frame', async () => {
    const last = join(dir, 'clip.last.png');
    const bySelect = join(dir, 'clip.frame47.png');
    await composer.lastFrame(clip, last);
    await runner.run({
      inputs: [{ path: clip, options: [] }],
      outputs: [
        {
          path: bySelect,
          options: ['-vf', 'select=eq(n\\,47)', '-frames:v', '1', '-pix_fmt', 'rgb24', '-update', '1'],
        },
      ],
    });
    expect(await runner.probe(last)).toMatchObject({
      video: { codec: 'png', width: 1280, height: 720, pixFmt: 'rgb24' },
    });
    expect(await runner.framePsnr(last, bySelect)).toBe(Infinity);
  });

  it('encodes WAV music to AAC-LC 48 kHz stereo in an m4a', async () => {
    const m4a = join(dir, 'music.m4a');
    await composer.encodeAudio(music, m4a);
    const probe = await runner.probe(m4a);
    expect(probe.video).toBeNull();
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2 });
    expect(probe.durationSec).toBeCloseTo(8, 1);
  });
});
