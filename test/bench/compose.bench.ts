/**
 * What the final cut costs next to the cheapest thing that could produce the ad's picture: one
 * plain libx264 encode of the same 30 s at the same size and settings. Both are timed in the same
 * run, alternately, best of three each, so machine noise hits both alike. The final cut is what
 * the compose step runs: the soundtrack (music and voiceover mixed, ducked and levelled) was made
 * beside the scenes by the soundtrack step, so it is made here untimed and timed on its own.
 *
 *   node -e "require('./dist/test/bench/compose.bench.js').composeBench().then(r=>console.log(r))"
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  briefSchema,
  clipDurationSec,
  LOUDNESS_TARGETS,
  outputSpecFor,
  seededFrom,
  type Storyboard,
  transitionSecOf,
} from '@app/domain';
import { SynthMusicGenerator } from '@app/generation';
import {
  AnimaticRenderer,
  buildConcatList,
  Composer,
  FfmpegRunner,
  type FinalCutRequest,
  finalCutTextOf,
  type NarrationLine,
  sceneStartsSec,
  writeTextFile,
} from '@app/media';
import { TemplatePlanner } from '@app/planner';
import { ROOT } from '../support/built-stack';

const ROUNDS = 3;
const quiet = { log: () => undefined, error: () => undefined };

interface Metric {
  name: string;
  value: number;
  unit: string;
}

/**
 * The storyboard's voiceover: its narration lines where the planner wrote them, otherwise (a
 * template storyboard has none) the on-screen lines and the call to action read aloud.
 */
function narrationOf(storyboard: Storyboard): NarrationLine[] {
  const starts = sceneStartsSec(storyboard.scenes);
  const lines = storyboard.scenes.flatMap((scene, i) => {
    const text = scene.narration?.trim() || scene.onScreenText.trim();
    return text ? [{ text, startSec: starts[i] + 0.3, endSec: starts[i] + scene.durationSec }] : [];
  });
  if (!storyboard.scenes.some((s) => s.narration?.trim()) && storyboard.endCard.callToAction.trim()) {
    const last = storyboard.scenes.length - 1;
    const cardStart = storyboard.durationSec - storyboard.endCard.durationSec;
    const previous = lines.at(-1);
    if (previous && previous.endSec > cardStart) previous.endSec = cardStart;
    lines.push({
      text: storyboard.endCard.callToAction,
      startSec: cardStart + 0.2,
      endSec: starts[last] + storyboard.scenes[last].durationSec,
    });
  }
  return lines;
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

export async function composeBench(): Promise<Metric[]> {
  const runner = new FfmpegRunner({ logger: quiet });
  const composer = new Composer(runner);
  const renderer = new AnimaticRenderer(runner);
  const brief = briefSchema.parse(
    JSON.parse(await readFile(join(ROOT, 'examples', 'briefs', 'allergy-30s.json'), 'utf8')),
  );
  const storyboard = await new TemplatePlanner().plan(brief);
  const spec = outputSpecFor(storyboard.aspectRatio);
  const totalSec = storyboard.durationSec;
  const dir = await mkdtemp(join(tmpdir(), 'reelsmith-compose-bench-'));
  try {
    // Setup, untimed: the scene clips, the music bed, and the baseline's 30 s input.
    const clips: FinalCutRequest['clips'] = [];
    for (const [i, scene] of storyboard.scenes.entries()) {
      const outPath = join(dir, `scene_${i}.mp4`);
      const durationSec = clipDurationSec(storyboard.scenes, i);
      let seedFramePath: string | null = null;
      if (seededFrom(storyboard.scenes, i) !== null) {
        seedFramePath = join(dir, `scene_${i - 1}.last.png`);
        await composer.lastFrame(clips[i - 1].path, seedFramePath);
      }
      await renderer.render({ scene, spec, durationSec, seedFramePath, workDir: dir, outPath, seed: brief.seed });
      clips.push({
        path: outPath,
        durationSec,
        transitionIn: scene.transitionIn,
        transitionSec: transitionSecOf(scene),
      });
    }
    const music = await new SynthMusicGenerator(composer).generate({
      mood: storyboard.music.mood,
      durationSec: totalSec,
      seed: brief.seed,
      workDir: dir,
    });
    const joined = join(dir, 'joined.mp4');
    const list = await writeTextFile(dir, 'clips.ffconcat', buildConcatList(clips.map((c) => c.path)));
    await runner.run({
      inputs: [{ path: list, options: ['-f', 'concat', '-safe', '0'] }],
      outputs: [{ path: joined, options: ['-map', '0:v:0', '-c', 'copy', '-t', String(totalSec)] }],
    });

    const mix = { musicPath: music.path, narration: narrationOf(storyboard), loudness: LOUDNESS_TARGETS.streaming };
    const soundtrackPath = join(dir, 'soundtrack.m4a');
    const soundtrackStarted = performance.now();
    const loudness = await composer.soundtrack({ ...mix, totalSec, workDir: dir, outPath: soundtrackPath });
    const soundtrackSec = (performance.now() - soundtrackStarted) / 1000;

    const request: FinalCutRequest = {
      clips,
      totalSec,
      master: spec,
      outputs: [{ aspectRatio: storyboard.aspectRatio, spec, path: join(dir, 'final.mp4'), reframe: brief.reframe }],
      text: finalCutTextOf(storyboard, brief.brand),
      audio: { ...mix, made: { path: soundtrackPath, loudness } },
      watermark: null,
      metadata: { ai_generated: 'true', job_id: 'compose-bench' },
      preset: 'veryfast',
      workDir: dir,
    };
    const singleEncode = {
      inputs: [{ path: joined, options: [] }],
      outputs: [
        {
          path: join(dir, 'single.mp4'),
          options: [
            '-map',
            '0:v:0',
            '-an',
            '-c:v',
            'libx264',
            '-preset',
            'veryfast',
            '-crf',
            '20',
            '-pix_fmt',
            'yuv420p',
          ],
        },
      ],
    };

    const finalCut: number[] = [];
    const single: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      finalCut.push(await seconds(() => composer.finalCut(request)));
      single.push(await seconds(() => runner.run(singleEncode)));
    }
    const a = Math.min(...finalCut);
    const b = Math.min(...single);
    return [
      { name: 'compose.ratio_to_single_encode', value: a / b, unit: 'ratio' },
      { name: 'compose.final_cut_s', value: a, unit: 's' },
      { name: 'compose.single_encode_s', value: b, unit: 's' },
      // off the critical path since the soundtrack step: made while the scenes generate
      { name: 'compose.soundtrack_s', value: soundtrackSec, unit: 's' },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
