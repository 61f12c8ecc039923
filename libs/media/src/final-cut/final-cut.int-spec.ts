import { clipDurationSec, LOUDNESS_TARGETS, outputSpecFor, seededFrom, type StoryboardScene } from '@app/domain';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnimaticRenderer } from '../animatic/animatic-renderer.service';
import { COMPLIANCE_WORDS_PER_SEC } from './compliance-plan.builder';
import { Composer } from '../composer.service';
import { type FinalCutRequest, type FinalCutResult } from './final-cut.types';
import { FfmpegRunner } from '../ffmpeg/ffmpeg.runner';
import { escapeFilterValue } from '../ffmpeg/filter-syntax.util';
import { normalisedClipOptions } from '../clip/clip-encode';
import { parseWebVtt, webpChunks } from '@app/testing';

const silent = { log: () => undefined, error: () => undefined };
const HOSTILE = "{\\b1}bold\\N %{pts} it's: [x]; a,b 🌿 花粉症 حساسية";
const COMPLIANCE = 'Side effects may include headache and dry mouth. Use only as directed.';

describe(`${Composer.name} final cut`, () => {
  const runner = new FfmpegRunner({ logger: silent });
  const composer = new Composer(runner);
  const renderer = new AnimaticRenderer(runner);
  const master = outputSpecFor('16:9');
  // Four 2 s scenes: a cut, a wipe, a continued shot and a dip to white.
  const scenes: StoryboardScene[] = (
    [
      ['cut', 'push-in', 'A city skyline at dusk'],
      ['wipe-left', 'pan-right', 'A woman holds the bottle'],
      ['continuous', 'pan-right', 'The woman smiles'],
      ['dip-to-white', 'static', 'The product on a table'],
    ] as const
  ).map(([transitionIn, cameraMove, visualPrompt], index) => ({
    index,
    beat: `beat ${index}`,
    durationSec: 2,
    visualPrompt,
    cameraMove,
    onScreenText: '',
    transitionIn,
    transitionSec: index === 3 ? 0.3 : undefined,
    palette: ['#264653', '#2a9d8f', '#e9c46a', '#e76f51'],
  }));
  const totalSec = 8;
  let dir: string;
  let clips: FinalCutRequest['clips'];
  let music: string;
  let logo: string;
  let result: FinalCutResult;
  const progress: number[] = [];

  const out = (name: string) => join(dir, name);
  const request = (overrides: Partial<FinalCutRequest> = {}): FinalCutRequest => ({
    clips,
    totalSec,
    master,
    outputs: [
      { aspectRatio: '16:9', spec: master, path: out('ad_16x9.mp4'), reframe: 'blur' },
      { aspectRatio: '9:16', spec: outputSpecFor('9:16'), path: out('ad_9x16.mp4'), reframe: 'blur' },
      { aspectRatio: '1:1', spec: outputSpecFor('1:1'), path: out('ad_1x1.mp4'), reframe: 'crop' },
    ],
    text: {
      scenes: [
        { startSec: 0, endSec: 2, text: `Meet Clarivo ${HOSTILE}` },
        { startSec: 2, endSec: 4, text: '' },
      ],
      endCard: { headline: `Clarivo ${HOSTILE}`, callToAction: `Ask your doctor. ${HOSTILE}`, startSec: 6.5 },
      compliance: { text: COMPLIANCE },
      fontName: HOSTILE,
      brandColors: ['#e9c46a'],
    },
    audio: {
      musicPath: music,
      narration: [
        { text: `Allergies? ${HOSTILE}`, startSec: 0.3, endSec: 3 },
        { text: 'Ask your doctor about Clarivo.', startSec: 4.2, endSec: 8 },
      ],
      loudness: LOUDNESS_TARGETS.streaming,
    },
    watermark: { text: `Demo ${HOSTILE}`, logoPath: logo, position: 'top-right', opacity: 0.6 },
    metadata: { ai_generated: 'true', job_id: 'job-42', title: HOSTILE },
    preset: 'veryfast',
    workDir: dir,
    ...overrides,
  });

  /** The bottom band where compliance sits (centre 60%, clear of corner marks), as a PNG. */
  const band = (video: string, sec: number, name: string) =>
    runner
      .run({
        inputs: [{ path: video, options: ['-ss', String(sec)] }],
        outputs: [
          {
            path: out(name),
            options: ['-vf', 'crop=w=iw*0.6:h=ih*0.22:x=iw*0.2:y=ih*0.7', '-frames:v', '1', '-pix_fmt', 'rgb24'],
          },
        ],
      })
      .then(() => out(name));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "media-final-cut-it's: [odd], dir;-"));
    clips = [];
    for (const [i, scene] of scenes.entries()) {
      const path = out(`scene_${i}.mp4`);
      const durationSec = clipDurationSec(scenes, i);
      let seedFramePath: string | null = null;
      if (seededFrom(scenes, i) !== null) {
        seedFramePath = out(`scene_${i - 1}.last.png`);
        await composer.lastFrame(clips[i - 1].path, seedFramePath);
      }
      await renderer.render({ scene, spec: master, durationSec, seedFramePath, workDir: dir, outPath: path, seed: 3 });
      clips.push({ path, durationSec, transitionIn: scene.transitionIn, transitionSec: scene.transitionSec ?? 0.5 });
    }
    music = out('music.wav');
    // A chord that swells and fades: enough crest and movement for loudness to have work to do.
    await runner.run({
      inputs: [
        {
          path: 'aevalsrc=(0.5*sin(2*PI*220*t)+0.3*sin(2*PI*330*t)+0.2*sin(2*PI*440*t))*(0.4+0.4*sin(2*PI*0.5*t)):s=48000:d=10',
          options: ['-f', 'lavfi'],
        },
      ],
      outputs: [{ path: music, options: ['-ac', '2', '-c:a', 'pcm_s16le'] }],
    });
    logo = out('logo.png');
    await runner.run({
      inputs: [{ path: 'color=c=red@0.8:s=160x80,format=rgba', options: ['-f', 'lavfi'] }],
      outputs: [{ path: logo, options: ['-frames:v', '1', '-update', '1'] }],
    });
    result = await composer.finalCut(request(), { onProgress: (f) => progress.push(f) });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['ad_16x9.mp4', 1280, 720],
    ['ad_9x16.mp4', 720, 1280],
    ['ad_1x1.mp4', 1080, 1080],
  ])('writes %s as H.264 + AAC at %dx%d, totalSec long, tagged', async (name, width, height) => {
    const probe = await runner.probe(out(name));
    expect(probe.video).toEqual({ codec: 'h264', width, height, fps: 24, pixFmt: 'yuv420p', frames: totalSec * 24 });
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2 });
    expect(Math.abs(probe.durationSec - totalSec)).toBeLessThanOrEqual(1 / 24);
    expect(probe.tags).toMatchObject({ ai_generated: 'true', job_id: 'job-42', title: HOSTILE, comment: 'Reelsmith' });
  });

  it.each([['ad_16x9.mp4'], ['ad_9x16.mp4'], ['ad_1x1.mp4']])(
    'levels %s to -14 LUFS within 1 LU, true peak at or under -1 dBTP',
    async (name) => {
      const loudness = await composer.measureLoudness(out(name));
      expect(Math.abs(loudness.integratedLufs - -14)).toBeLessThanOrEqual(1);
      expect(loudness.truePeakDb).toBeLessThanOrEqual(-1);
      expect(Number.isFinite(result.loudness.measuredLufs)).toBe(true);
    },
  );

  /** Each frame's PSNR (dB, average of Y, U and V) between two videos of the same size and length. */
  const framePsnrs = async (a: string, b: string, name: string): Promise<number[]> => {
    const stats = out(`${name}.psnr.log`);
    await runner.run({
      inputs: [
        { path: a, options: [] },
        { path: b, options: [] },
      ],
      filterComplex: `[0:v][1:v]psnr=stats_file=${escapeFilterValue(stats)}[p]`,
      outputs: [{ path: '-', options: ['-map', '[p]', '-f', 'null'] }],
    });
    return (await readFile(stats, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => Number(/psnr_avg:(\S+)/.exec(line)![1].replace('inf', 'Infinity')));
  };

  it('re-encodes only the GOPs around changed text, copying the rest of the earlier cut (issue 13)', async () => {
    const renamed = (prefix: string) =>
      request().outputs.map((o) => ({ ...o, path: out(`${prefix}_${o.aspectRatio.replace(':', 'x')}.mp4`) }));
    const text = { ...request().text };
    text.scenes = [{ startSec: 0, endSec: 2, text: 'Now in a bigger pack' }, ...text.scenes.slice(1)];
    const previous = { outputs: request().outputs.map((o, k) => ({ videoPath: o.path, ass: result.scripts[k] })) };

    const full = await composer.finalCut(request({ text, outputs: renamed('full') }));
    const patched = await composer.finalCut(request({ text, outputs: renamed('patched'), previous }));
    expect(full.encoded).toBe('all');
    expect(patched.encoded).toEqual({ startSec: 0, endSec: 2 });
    expect(patched.scripts).toEqual(full.scripts);

    for (const [k, output] of renamed('patched').entries()) {
      const probe = await runner.probe(output.path);
      expect(probe.video).toMatchObject({ codec: 'h264', fps: 24, frames: totalSec * 24 });
      expect(probe.audio?.codec).toBe('aac');
      // the same picture as encoding it all again, every frame
      const againstFull = await framePsnrs(output.path, renamed('full')[k].path, `full-${k}`);
      expect(againstFull).toHaveLength(totalSec * 24);
      expect(Math.min(...againstFull)).toBeGreaterThanOrEqual(40);
      // after the window, the earlier cut's own packets; inside it, the new text
      const againstEarlier = await framePsnrs(output.path, request().outputs[k].path, `earlier-${k}`);
      expect(againstEarlier.slice(48).every((db) => db === Infinity)).toBe(true);
      expect(Math.min(...againstEarlier.slice(0, 48))).toBeLessThan(40);
    }

    // nothing changed: the earlier cut's video is copied whole, with this cut's audio and tags
    const same = await composer.finalCut(request({ outputs: renamed('same'), previous }));
    expect(same.encoded).toBe('none');
    const copied = await framePsnrs(renamed('same')[0].path, request().outputs[0].path, 'same-0');
    expect(copied.every((db) => db === Infinity)).toBe(true);
  });

  it('levels the same ad to -23 LUFS for broadcast', async () => {
    const path = out('broadcast.mp4');
    await composer.finalCut(
      request({
        outputs: [{ aspectRatio: '16:9', spec: master, path, reframe: 'crop' }],
        text: { ...request().text, compliance: null },
        watermark: null,
        audio: { ...request().audio, loudness: LOUDNESS_TARGETS.broadcast },
      }),
    );
    const loudness = await composer.measureLoudness(path);
    expect(Math.abs(loudness.integratedLufs - -23)).toBeLessThanOrEqual(1);
    expect(loudness.truePeakDb).toBeLessThanOrEqual(-1);

    // The same ad without compliance: the band matches where no compliance is due and differs where it is.
    const plan = result.compliance!;
    const [early, earlyRef, late, lateRef] = await Promise.all([
      band(out('ad_16x9.mp4'), 1, 'band_early.png'),
      band(path, 1, 'band_early_ref.png'),
      band(out('ad_16x9.mp4'), (plan.startSec + totalSec) / 2, 'band_late.png'),
      band(path, (plan.startSec + totalSec) / 2, 'band_late_ref.png'),
    ]);
    expect(await runner.framePsnr(early, earlyRef)).toBeGreaterThanOrEqual(35);
    expect(await runner.framePsnr(late, lateRef)).toBeLessThan(25);
  });

  it('hides the text watermark while the major statement is on screen and shows it before and after (issue 17)', async () => {
    // One flat dark shot, so any bright pixel in the watermark's corner is the watermark.
    const flat = out('flat.mp4');
    await runner.run({
      inputs: [
        { path: `color=c=0x264653:s=${master.width}x${master.height}:r=24:d=${totalSec}`, options: ['-f', 'lavfi'] },
      ],
      filterComplex: '[0:v]null[v]',
      outputs: [{ path: flat, options: normalisedClipOptions(24, totalSec * 24) }],
    });
    const statement = { startSec: 3, endSec: 5.5, lines: [{ text: 'May cause dry mouth.', startSec: 3, endSec: 5.5 }] };
    const path = out('statement_watermark.mp4');
    const made = await composer.finalCut(
      request({
        clips: [{ path: flat, durationSec: totalSec, transitionIn: 'cut', transitionSec: 0 }],
        outputs: [{ aspectRatio: '16:9', spec: master, path, reframe: 'crop' }],
        text: {
          scenes: [],
          endCard: null,
          compliance: { text: statement.lines[0].text, statement },
          fontName: 'DejaVu Sans',
          brandColors: [],
        },
        audio: { musicPath: null, narration: [], loudness: LOUDNESS_TARGETS.streaming },
        watermark: { text: 'REELSMITH DEMO', position: 'top-right', opacity: 1 },
      }),
    );
    expect(made.statement?.watermarkTextSpans).toEqual([
      { startSec: 0, endSec: 3 },
      { startSec: 5.5, endSec: totalSec },
    ]);
    /** Bright pixels in the top-right quarter-band, where the watermark sits (the statement's plate is at the bottom). */
    const brightInCorner = async (sec: number) => {
      const raw = out(`corner_${sec}.gray`);
      await runner.run({
        inputs: [{ path, options: ['-ss', String(sec)] }],
        outputs: [
          {
            path: raw,
            options: ['-frames:v', '1', '-vf', 'crop=w=iw/2:h=ih/5:x=iw/2:y=0,format=gray', '-f', 'rawvideo', '-y'],
          },
        ],
      });
      return (await readFile(raw)).filter((v) => v > 160).length;
    };
    const [before, inside, after] = await Promise.all([1.5, 4.25, 7].map(brightInCorner));
    expect(before).toBeGreaterThan(200);
    expect(after).toBeGreaterThan(200);
    expect(inside).toBe(0);
  });

  it('holds the compliance slate at least words / 3 seconds, the end card moved up with it', () => {
    expect(result.compliance).toEqual({ mode: 'slate', startSec: 4, endSec: 8, words: 12 });
    const { startSec, endSec, words } = result.compliance!;
    expect(endSec - startSec).toBeGreaterThanOrEqual(words / COMPLIANCE_WORDS_PER_SEC);
  });

  it('returns WebVTT captions of what is said and shown, in sync', () => {
    const cues = parseWebVtt(result.captions);
    expect(cues.map((c) => [c.startSec, c.endSec])).toEqual([
      [0, 2],
      [0.3, 3],
      [4, 8],
      [4, 8],
      [4.2, 8],
    ]);
    expect(cues.map((c) => c.text)).toEqual(
      expect.arrayContaining([COMPLIANCE, 'Ask your doctor about Clarivo.', `Meet Clarivo ${HOSTILE}`]),
    );
  });

  it('reports progress from 0 to 1, never backwards', () => {
    expect(progress.length).toBeGreaterThan(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);
  });

  it('makes a small looping animated WebP preview', async () => {
    const webp = out('preview.webp');
    await composer.preview(out('ad_16x9.mp4'), webp, { width: 320, fps: 8, maxSec: 3 });
    const info = webpChunks(await readFile(webp));
    expect(info).toEqual({ animated: true, frames: 24, width: 320, height: 180 });
    expect((await stat(webp)).size).toBeLessThan(300_000);
  });
});
