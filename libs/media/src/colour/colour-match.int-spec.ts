import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalisedClipOptions } from '../clip/clip-encode';
import { COLOUR_SAMPLE_HEIGHT, COLOUR_SAMPLE_WIDTH, type ColourMatchResult } from './colour-match.builder';
import { type ColourStats, yuv444pStats } from './colour-match.stats';
import { Composer } from '../composer.service';
import { FfmpegRunner } from '../ffmpeg/ffmpeg.runner';

const silent = { log: () => undefined, error: () => undefined };

const FPS = 24;
const FRAMES = 48;

/**
 * A 2 s chained scene: the camera pans one period across a tiled still, so the last frame holds
 * the same colours as the first in other places, optionally graded by `drift` (filters in `t` that
 * are the identity at t = 0, as a model's drift is on its seed frame).
 */
function clipGraph(drift: string[]): string {
  return [
    '[0:v]trim=end_frame=1,scale=88:48,hue=s=0.6,loop=loop=19:size=1,tile=5x4',
    `loop=loop=${FRAMES - 1}:size=1,setpts=N/${FPS}/TB,crop=320:180:x=88*n/${FRAMES - 1}:y=6`,
    ...drift,
    'format=yuv420p[v]',
  ].join(',');
}

/** Lighter, more saturated, hue turning and a blue-magenta cast, all growing over the clip. */
const DRIFT = [
  'eq=eval=frame:brightness=0.04*t:saturation=1+0.15*t',
  'hue=h=6*t',
  "geq=lum='lum(X\\,Y)':cb='cb(X\\,Y)+5*T':cr='cr(X\\,Y)-3*T'",
];

describe(`${Composer.name}.matchColours`, () => {
  const runner = new FfmpegRunner({ logger: silent });
  const composer = new Composer(runner);
  let dir: string;
  let reference: string;
  let clean: string;
  let drifted: string;
  let matched: string;
  let result: ColourMatchResult;

  const render = (graph: string, outPath: string) =>
    runner.run({
      inputs: [{ path: 'testsrc2=s=320x180:r=24:d=0.1', options: ['-f', 'lavfi'] }],
      filterComplex: graph,
      outputs: [{ path: outPath, options: normalisedClipOptions(FPS, FRAMES) }],
    });

  /** Frame `n` of a clip as an rgb24 PNG, the way a keyframe is taken. */
  const framePng = async (clip: string, n: number, name: string) => {
    const png = join(dir, name);
    await runner.run({
      inputs: [{ path: clip, options: [] }],
      outputs: [
        {
          path: png,
          options: [
            '-map',
            '0:v:0',
            '-vf',
            `select=eq(n\\,${n})`,
            ...['-frames:v', '1', '-pix_fmt', 'rgb24', '-update', '1'],
          ],
        },
      ],
    });
    return png;
  };

  /** Frame `n`'s statistics in the clip's own planes (an RGB round trip would bias them). */
  const frameStats = async (clip: string, n: number): Promise<ColourStats> => {
    const raw = `${clip}.${n}.yuv`;
    const sample = `scale=${COLOUR_SAMPLE_WIDTH}:${COLOUR_SAMPLE_HEIGHT}:flags=area+accurate_rnd,format=yuv444p`;
    await runner.run({
      inputs: [{ path: clip, options: [] }],
      outputs: [
        {
          path: raw,
          options: ['-map', '0:v:0', '-vf', `select=eq(n\\,${n}),${sample}`, '-frames:v', '1', '-f', 'rawvideo'],
        },
      ],
    });
    return yuv444pStats(await readFile(raw), COLOUR_SAMPLE_WIDTH, COLOUR_SAMPLE_HEIGHT);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "media-colour-it's: [odd], dir;-"));
    clean = join(dir, 'clean.mp4');
    drifted = join(dir, 'drifted.mp4');
    matched = join(dir, 'drifted.matched.mp4');
    await Promise.all([render(clipGraph([]), clean), render(clipGraph(DRIFT), drifted)]);
    reference = await framePng(clean, 0, 'keyframe.png');
    result = await composer.matchColours({
      clipPath: drifted,
      referencePath: reference,
      outPath: matched,
      workDir: dir,
      fps: FPS,
      frames: FRAMES,
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("brings a drifting clip's last frame back to the keyframe's colours", async () => {
    expect(result.applied).toBe(true);
    expect(result.distanceBefore).toBeGreaterThan(15);
    expect(result.distanceAfter).toBeLessThan(result.distanceBefore / 4);

    // Independently of the stats: the matched last frame is nearer the undrifted one (per-plane
    // gains cannot undo the hue turn, so not all the way).
    const last = FRAMES - 1;
    const [cleanLast, driftedLast, matchedLast] = await Promise.all([
      framePng(clean, last, 'clean.last.png'),
      framePng(drifted, last, 'drifted.last.png'),
      framePng(matched, last, 'matched.last.png'),
    ]);
    const psnrBefore = await runner.framePsnr(driftedLast, cleanLast);
    expect(await runner.framePsnr(matchedLast, cleanLast)).toBeGreaterThan(psnrBefore + 6);
  });

  it('leaves the first frame as it was, so the cut from the previous scene does not jump', async () => {
    expect(await runner.framePsnr(matched, drifted)).toBeGreaterThanOrEqual(35);
  });

  // The graph itself is exact to a tenth of a level here; x264 lags a slow global change by a
  // level or two in the middle of a GOP, hence the tolerance.
  it('applies about half the correction half way through', async () => {
    const mid = Math.round((FRAMES - 1) / 2);
    const [before, after] = await Promise.all([frameStats(drifted, mid), frameStats(matched, mid)]);
    const share = mid / (FRAMES - 1);
    for (const p of ['y', 'u', 'v'] as const) {
      const { gain, offset } = result.correction![p];
      const full = gain * before[p].mean + offset - before[p].mean;
      expect(Math.abs(full)).toBeGreaterThan(4);
      const applied = (after[p].mean - before[p].mean) / full;
      expect(applied).toBeGreaterThan(share - 0.15);
      expect(applied).toBeLessThan(share + 0.15);
    }
  });

  it('keeps the frame count, rate, size and length', async () => {
    const [input, output] = await Promise.all([runner.probe(drifted), runner.probe(matched)]);
    expect(output.video).toEqual(input.video);
    expect(output.video).toMatchObject({ width: 320, height: 180, fps: FPS, frames: FRAMES, pixFmt: 'yuv420p' });
    expect(output.durationSec).toBe(input.durationSec);
  });

  it('leaves a clip without drift alone and writes nothing', async () => {
    const outPath = join(dir, 'clean.matched.mp4');
    const progress: number[] = [];
    const untouched = await composer.matchColours(
      { clipPath: clean, referencePath: reference, outPath, workDir: dir, fps: FPS, frames: FRAMES },
      { onProgress: (f) => progress.push(f) },
    );

    expect(untouched).toMatchObject({ applied: false, correction: null });
    expect(untouched.distanceBefore).toBeLessThan(3);
    expect(untouched.distanceAfter).toBe(untouched.distanceBefore);
    await expect(access(outPath)).rejects.toThrow();
    expect(progress).toEqual([1]);
  });
});
