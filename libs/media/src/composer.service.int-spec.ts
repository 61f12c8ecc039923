import { clipDurationSec, outputSpecFor, type StoryboardScene } from '@app/domain';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnimaticRenderer } from './animatic-renderer.service';
import { Composer, type ComposeJobRequest } from './composer.service';
import { FfmpegRunner } from './ffmpeg.runner';

const silent = { log: () => undefined, error: () => undefined };
const HOSTILE = "{\\b1}bold\\N %{pts} it's: [x]; a,b 🌿 花粉症 حساسية";

describe(Composer.name, () => {
  const runner = new FfmpegRunner({ logger: silent });
  const composer = new Composer(runner);
  const renderer = new AnimaticRenderer(runner);
  const spec = outputSpecFor('16:9');
  const scenes: StoryboardScene[] = [
    { cameraMove: 'push-in', transitionIn: 'cut', visualPrompt: 'A city skyline at dusk' },
    { cameraMove: 'pan-right', transitionIn: 'crossfade', visualPrompt: 'A woman holds the bottle' },
    { cameraMove: 'pull-out', transitionIn: 'continuous', visualPrompt: 'The sun over the sea' },
  ].map((s, index) => ({
    ...s,
    index,
    beat: `beat ${index}`,
    durationSec: 2,
    cameraMove: s.cameraMove as StoryboardScene['cameraMove'],
    transitionIn: s.transitionIn as StoryboardScene['transitionIn'],
    onScreenText: `Scene ${index}`,
    palette: ['#264653', '#2a9d8f', '#e9c46a', '#e76f51'],
  }));
  const totalSec = 6;
  let dir: string;
  let clips: ComposeJobRequest['clips'];
  let music: string;

  const frameAt = (video: string, sec: number, out: string) =>
    runner.run({
      inputs: [{ path: video, options: ['-ss', String(sec)] }],
      outputs: [{ path: out, options: ['-frames:v', '1', '-pix_fmt', 'rgb24', '-update', '1'] }],
    });

  const request = (overrides: Partial<ComposeJobRequest> = {}): ComposeJobRequest => ({
    clips,
    totalSec,
    spec,
    musicPath: music,
    endCard: { headline: HOSTILE, callToAction: `Ask your doctor ${HOSTILE}`, durationSec: 2 },
    compliance: { text: `Side effects may include drowsiness. ${HOSTILE}` },
    brandColors: ['#e9c46a'],
    workDir: dir,
    outPath: join(dir, 'output.mp4'),
    preset: 'veryfast',
    ...overrides,
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "media-compose-it's: [odd], dir;-"));
    clips = [];
    for (const [i, s] of scenes.entries()) {
      const path = join(dir, `scene_${i}.mp4`);
      const durationSec = clipDurationSec(scenes, i);
      let seedFramePath: string | null = null;
      if (s.transitionIn === 'continuous') {
        seedFramePath = join(dir, `scene_${i - 1}.last.png`);
        await composer.lastFrame(clips[i - 1].path, seedFramePath);
      }
      await renderer.render({ scene: s, spec, durationSec, seedFramePath, workDir: dir, outPath: path, seed: 4 });
      clips.push({ path, durationSec, transitionIn: s.transitionIn });
    }
    music = join(dir, 'music.wav');
    await runner.run({
      inputs: [{ path: 'sine=frequency=330:sample_rate=44100:duration=8', options: ['-f', 'lavfi'] }],
      outputs: [{ path: music, options: ['-ac', '2', '-c:a', 'pcm_s16le'] }],
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('composes cut, crossfade and continuous clips with music and hostile text into H.264 + AAC of totalSec', async () => {
    const progress: number[] = [];
    await composer.compose(request(), { onProgress: (f) => progress.push(f) });
    const probe = await runner.probe(join(dir, 'output.mp4'));
    expect(probe.video).toEqual({ codec: 'h264', width: 1280, height: 720, fps: 24, pixFmt: 'yuv420p', frames: 144 });
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2 });
    expect(Math.abs(probe.durationSec - totalSec)).toBeLessThanOrEqual(1 / 24);
    expect(Math.abs((probe.audio?.durationSec ?? 0) - totalSec)).toBeLessThanOrEqual(1 / 24);
    expect(probe.tags.comment).toBe('Reelsmith');
    expect(progress[progress.length - 1]).toBe(1);
  });

  it('burns the end card in only at the end', async () => {
    const output = join(dir, 'output.mp4');
    const [early, earlySource, late, lateSource] = ['out_1.png', 'src_1.png', 'out_5.png', 'src_5.png'].map((n) =>
      join(dir, n),
    );
    await frameAt(output, 1, early);
    await frameAt(clips[0].path, 1, earlySource);
    await frameAt(output, 5.5, late);
    await frameAt(clips[2].path, 1.5, lateSource);
    expect(await runner.framePsnr(early, earlySource)).toBeGreaterThanOrEqual(35);
    expect(await runner.framePsnr(late, lateSource)).toBeLessThan(25);
  });

  it('ships a silent stereo AAC track when there is no music', async () => {
    const outPath = join(dir, 'silent.mp4');
    await composer.compose(request({ musicPath: null, compliance: null, outPath }));
    const probe = await runner.probe(outPath);
    expect(probe.video).toMatchObject({ codec: 'h264', frames: 144 });
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2 });
    expect(Math.abs(probe.durationSec - totalSec)).toBeLessThanOrEqual(1 / 24);
  });

  it('writes a full-size JPEG poster', async () => {
    const poster = join(dir, 'poster.jpg');
    await composer.poster(join(dir, 'output.mp4'), 5, poster);
    const probe = await runner.probe(poster);
    expect(probe.video).toMatchObject({ codec: 'mjpeg', width: 1280, height: 720 });
  });

  it('extracts exactly the last decoded frame', async () => {
    const last = join(dir, 'output.last.png');
    const bySelect = join(dir, 'output.frame143.png');
    await composer.lastFrame(join(dir, 'output.mp4'), last);
    await runner.run({
      inputs: [{ path: join(dir, 'output.mp4'), options: [] }],
      outputs: [
        {
          path: bySelect,
          options: ['-vf', 'select=eq(n\\,143)', '-frames:v', '1', '-pix_fmt', 'rgb24', '-update', '1'],
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
