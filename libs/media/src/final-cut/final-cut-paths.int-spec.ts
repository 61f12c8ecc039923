import { clipDurationSec, LOUDNESS_TARGETS, outputSpecFor, seededFrom, type StoryboardScene } from '@app/domain';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnimaticRenderer } from '../animatic/animatic-renderer.service';
import { Composer } from '../composer.service';
import { type FinalCutRequest } from './final-cut.types';
import { FfmpegRunner } from '../ffmpeg/ffmpeg.runner';

const silent = { log: () => undefined, error: () => undefined };
const CRAWL_TEXT =
  'Side effects may include headache, dry mouth and drowsiness. Use only as directed. Not for children under six.';

describe(`${Composer.name} final cut paths`, () => {
  const runner = new FfmpegRunner({ logger: silent });
  const composer = new Composer(runner);
  const renderer = new AnimaticRenderer(runner);
  const master = outputSpecFor('16:9');
  const scenes: StoryboardScene[] = (['cut', 'continuous', 'cut'] as const).map((transitionIn, index) => ({
    index,
    beat: `beat ${index}`,
    durationSec: 2,
    visualPrompt: ['A city skyline at dusk', 'The skyline at night', 'A bottle on a table'][index],
    cameraMove: 'pan-left',
    onScreenText: '',
    transitionIn,
    palette: ['#1d3557', '#457b9d', '#a8dadc', '#f1faee'],
  }));
  const totalSec = 6;
  let dir: string;
  let clips: FinalCutRequest['clips'];
  let copySec: number;

  const out = (name: string) => join(dir, name);
  const request = (path: string, overrides: Partial<FinalCutRequest> = {}): FinalCutRequest => ({
    clips,
    totalSec,
    master,
    outputs: [{ aspectRatio: '16:9', spec: master, path, reframe: 'crop' }],
    text: { scenes: [], endCard: null, compliance: null, fontName: 'DejaVu Sans', brandColors: [] },
    audio: { musicPath: null, narration: [], loudness: LOUDNESS_TARGETS.streaming },
    watermark: null,
    metadata: { ai_generated: 'true', job_id: 'job-7' },
    preset: 'veryfast',
    workDir: dir,
    ...overrides,
  });

  /** MD5 per video packet (`copy`: read without decoding) or per decoded frame, in order. */
  const hashes = async (inputs: string[], mode: 'copy' | 'decode') => {
    const all: string[][] = [];
    for (const [i, input] of inputs.entries()) {
      const list = out(`hashes_${mode}_${i}.txt`);
      await runner.run({
        inputs: [{ path: input, options: [] }],
        outputs: [
          { path: list, options: ['-map', '0:v:0', ...(mode === 'copy' ? ['-c', 'copy'] : []), '-f', 'framemd5'] },
        ],
      });
      const lines = (await readFile(list, 'utf8')).split('\n').filter((l) => /^\d/.test(l));
      all.push(lines.map((l) => l.split(',').slice(4).join(',').trim()));
    }
    return all;
  };

  const band = (video: string, sec: number, name: string) =>
    runner
      .run({
        inputs: [{ path: video, options: ['-ss', String(sec)] }],
        outputs: [
          {
            path: out(name),
            options: ['-vf', 'crop=w=iw:h=ih*0.2:x=0:y=ih*0.72', '-frames:v', '1', '-pix_fmt', 'rgb24'],
          },
        ],
      })
      .then(() => out(name));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "media-final-cut-paths-it's: [odd], dir;-"));
    clips = [];
    for (const [i, scene] of scenes.entries()) {
      const path = out(`scene_${i}.mp4`);
      const durationSec = clipDurationSec(scenes, i);
      let seedFramePath: string | null = null;
      if (seededFrom(scenes, i) !== null) {
        seedFramePath = out(`scene_${i - 1}.last.png`);
        await composer.lastFrame(clips[i - 1].path, seedFramePath);
      }
      await renderer.render({ scene, spec: master, durationSec, seedFramePath, workDir: dir, outPath: path, seed: 9 });
      clips.push({ path, durationSec, transitionIn: scene.transitionIn, transitionSec: 0.5 });
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies the clips’ video packets untouched when nothing is drawn, with a silent AAC track', async () => {
    const path = out('copy.mp4');
    const started = performance.now();
    const result = await composer.finalCut(request(path));
    copySec = (performance.now() - started) / 1000;

    // Pictures bit-exact (a re-encode never is), packets byte-identical except keyframes, where the
    // concat demuxer repeats the clip's parameter sets in-band (the same few bytes each time).
    const [decoded] = await hashes([path], 'decode');
    expect(decoded).toEqual(
      (
        await hashes(
          clips.map((c) => c.path),
          'decode',
        )
      ).flat(),
    );
    const [copied] = await hashes([path], 'copy');
    const sources = (
      await hashes(
        clips.map((c) => c.path),
        'copy',
      )
    ).flat();
    expect(copied).toHaveLength(sources.length);
    const size = (entry: string) => Number(entry.split(',')[0]);
    const changed = copied.flatMap((p, k) => (p === sources[k] ? [] : [size(p) - size(sources[k])]));
    expect(changed.length).toBeLessThanOrEqual(2 * clips.length);
    expect(new Set(changed).size).toBeLessThanOrEqual(1);
    expect(changed.every((bytes) => bytes > 0)).toBe(true);
    const probe = await runner.probe(path);
    expect(probe.video).toMatchObject({ codec: 'h264', width: 1280, height: 720, frames: totalSec * 24 });
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2 });
    expect(Math.abs(probe.durationSec - totalSec)).toBeLessThanOrEqual(1 / 24);
    expect(probe.tags).toMatchObject({ ai_generated: 'true', job_id: 'job-7' });
    expect(result).toEqual({
      compliance: null,
      captions: 'WEBVTT\n',
      loudness: { measuredLufs: -Infinity, measuredTruePeakDb: -Infinity },
      scripts: [null],
      encoded: 'all',
    });
  });

  it('crawls long compliance through its span, re-encoding, and takes far longer than the copy', async () => {
    const path = out('crawl.mp4');
    const started = performance.now();
    const result = await composer.finalCut(
      request(path, { text: { ...request(path).text, compliance: { text: CRAWL_TEXT } } }),
    );
    const encodeSec = (performance.now() - started) / 1000;
    // 18 words need 6 s: the whole ad, well over the 60% a slate may take.
    expect(result.compliance).toEqual({ mode: 'crawl', startSec: 0, endSec: 6, words: 18 });
    expect(copySec).toBeLessThan(encodeSec / 2);

    const copy = out('copy.mp4');
    const [a, b, refA, refB] = await Promise.all([
      band(path, 2, 'crawl_2.png'),
      band(path, 4, 'crawl_4.png'),
      band(copy, 2, 'copy_2.png'),
      band(copy, 4, 'copy_4.png'),
    ]);
    // The crawl is on screen, and it moved.
    expect(await runner.framePsnr(a, refA)).toBeLessThan(25);
    expect(await runner.framePsnr(b, refB)).toBeLessThan(25);
    expect(await runner.framePsnr(a, b)).toBeLessThan(25);
  });

  it('kills ffmpeg and rejects with an AbortError when the caller aborts', async () => {
    const controller = new AbortController();
    const path = out('aborted.mp4');
    const run = composer.finalCut(
      request(path, {
        text: { ...request(path).text, scenes: [{ startSec: 0, endSec: 6, text: 'Hello' }] },
        audio: {
          musicPath: null,
          narration: [{ text: 'Hello there.', startSec: 0, endSec: 3 }],
          loudness: LOUDNESS_TARGETS.streaming,
        },
      }),
      { signal: controller.signal, onProgress: (f) => f > 0.1 && controller.abort() },
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});
