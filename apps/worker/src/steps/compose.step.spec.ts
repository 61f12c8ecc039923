import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { type Job as BullJob, UnrecoverableError } from 'bullmq';
import { mock } from 'jest-mock-extended';
import { NEVER } from 'rxjs';
import { loadConfig } from '@app/config';
import { type Brief, type BriefInput, type Job, type Storyboard } from '@app/domain';
import {
  type Composer,
  type FfmpegRunner,
  type FinalCutRequest,
  type ProbeResult,
  type StatementMeasurer,
  watermarkTextSpans,
} from '@app/media';
import { type JobChangeNotifier, type JobRepository, newJobId } from '@app/persistence';
import { type JobRef, STEP_OPTIONS } from '@app/pipeline';
import { TemplatePlanner } from '@app/planner';
import { type ArtifactStore } from '@app/storage';
import { aBrief, aJob, withJobRows } from '@app/testing';
import { ComposeStep } from './compose.step';
import { StepRunner } from './step-runner.service';
import { type Storyboards } from './storyboards.service';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const CAPTIONS = 'WEBVTT\n\n00:00.200 --> 00:03.000\nLooking for something new?\n';
const SIZES: Record<string, [number, number]> = { '16x9': [1280, 720], '9x16': [720, 1280], '1x1': [1080, 1080] };

/** What ffprobe reports of an output the final cut wrote: its ratio's size, a hair over the planned length. */
function probed(path: string): ProbeResult {
  const [width, height] = SIZES[/output_(\d+x\d+)\.mp4$/.exec(path)?.[1] ?? ''] ?? [0, 0];
  return {
    durationSec: 6.0004,
    formatName: 'mov,mp4',
    video: { codec: 'h264', width, height, fps: 24, pixFmt: 'yuv420p', frames: 144 },
    audio: null,
    tags: {},
  };
}

/**
 * ComposeStep through the real StepRunner over a mocked repository holding a generating row, with
 * Composer, FfmpegRunner, store and generators mocked: nothing is rendered, but every file the step
 * itself writes (logo, captions) lands in a real scratch directory under DATA_DIR.
 */
async function setup(brief: Brief, storyboard: Storyboard) {
  const dataDir = await mkdtemp(join(tmpdir(), 'compose-step-spec-'));
  const config = loadConfig({ DATA_DIR: dataDir });
  const row: Job = aJob({ id: newJobId(), status: 'generating', brief, stages: {} });
  const jobs = mock<JobRepository>();
  const { rows } = withJobRows(jobs, row);
  const steps = new StepRunner(jobs, Object.assign(mock<JobChangeNotifier>(), { changes$: NEVER }));
  const store = mock<ArtifactStore>();
  const stored = new Map<string, { contentType: string; text: string }>();
  store.putFile.mockImplementation(async (key, path, contentType) => {
    const text = key.endsWith('.vtt') ? await readFile(path, 'utf8') : '';
    stored.set(key, { contentType, text });
  });
  const storyboards = mock<Storyboards>();
  storyboards.load.mockResolvedValue(storyboard);
  const composer = mock<Composer>();
  const requests: FinalCutRequest[] = [];
  const logos: Buffer[] = [];
  composer.finalCut.mockImplementation(async (request) => {
    requests.push(structuredClone(request));
    if (request.watermark?.logoPath) logos.push(await readFile(request.watermark.logoPath));
    // like the composer: a major statement comes back with the stems its soundtrack was made of
    const plan = request.text.compliance?.statement;
    return {
      compliance: null,
      ...(plan
        ? {
            statement: {
              plan,
              stems: request.audio.made?.stems ?? null,
              watermarkTextSpans: request.watermark?.text ? watermarkTextSpans(request.totalSec, plan) : [],
            },
          }
        : {}),
      captions: CAPTIONS,
      loudness: { measuredLufs: -14, measuredTruePeakDb: -1 },
      scripts: request.outputs.map(() => null),
      encoded: 'all' as const,
    };
  });
  const ffmpeg = mock<FfmpegRunner>();
  ffmpeg.probe.mockImplementation(async (path) => probed(path));
  store.head.mockResolvedValue({ 'measured-lufs': '-20.5', 'measured-true-peak-db': '-3' });
  // a download leaves a file, as the real store does: the cut's picture key hashes the clips
  store.downloadTo.mockImplementation(async (key, path) => writeFile(path, key));
  const measurer = mock<StatementMeasurer>();
  const step = new ComposeStep(config, steps, jobs, store, storyboards, composer, ffmpeg, measurer);
  const ref: JobRef = { tenantId: row.tenantId, jobId: row.id };
  const bullJob = mock<BullJob<JobRef>>({
    id: `${row.id}.compose`,
    data: ref,
    attemptsMade: 0,
    opts: STEP_OPTIONS.compose,
  });
  const prefix = `users/tenantA/jobs/${row.id}`;
  return {
    step,
    bullJob,
    row,
    rows,
    jobs,
    store,
    stored,
    composer,
    ffmpeg,
    requests,
    logos,
    prefix,
    dataDir,
    measurer,
  };
}

describe(ComposeStep.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function given(overrides: Partial<BriefInput> = {}, edit: (s: Storyboard) => void = () => undefined) {
    const brief = aBrief(overrides);
    const storyboard = await new TemplatePlanner().plan(brief);
    edit(storyboard);
    const context = await setup(brief, storyboard);
    dirs.push(context.dataDir);
    return { ...context, brief, storyboard };
  }

  it('writes composingStarted, then completed with every format (master first), poster, preview and captions', async () => {
    const { step, bullJob, rows, row, jobs, composer, prefix, stored } = await given({
      aspectRatio: '16:9',
      aspectRatios: ['16:9', '9:16', '1:1'],
    });
    await step.handle(bullJob);
    const job = rows.get(row.id)!;
    expect(job.status).toBe('completed');
    expect(job.stages.composing?.finishedAt).toEqual(expect.any(String));
    expect(job.outputs).toEqual([
      {
        type: 'video',
        aspectRatio: '16:9',
        key: `${prefix}/final/output.mp4`,
        contentType: 'video/mp4',
        width: 1280,
        height: 720,
        durationSec: 6,
      },
      {
        type: 'video',
        aspectRatio: '9:16',
        key: `${prefix}/final/output_9x16.mp4`,
        contentType: 'video/mp4',
        width: 720,
        height: 1280,
        durationSec: 6,
      },
      {
        type: 'video',
        aspectRatio: '1:1',
        key: `${prefix}/final/output_1x1.mp4`,
        contentType: 'video/mp4',
        width: 1080,
        height: 1080,
        durationSec: 6,
      },
      {
        type: 'poster',
        aspectRatio: '16:9',
        key: `${prefix}/final/poster.jpg`,
        contentType: 'image/jpeg',
        width: 1280,
        height: 720,
        durationSec: null,
      },
      {
        type: 'preview',
        aspectRatio: '16:9',
        key: `${prefix}/final/preview.webp`,
        contentType: 'image/webp',
        width: 320,
        height: 180,
        durationSec: 6,
      },
      {
        type: 'captions',
        aspectRatio: null,
        key: `${prefix}/final/captions.vtt`,
        contentType: 'text/vtt',
        width: 0,
        height: 0,
        durationSec: 6,
      },
    ]);
    // every output listed on the row is in storage, and the captions are the final cut's
    expect([...stored.keys()].sort()).toEqual(job.outputs.map((o) => o.key).sort());
    expect(stored.get(`${prefix}/final/captions.vtt`)?.text).toBe(CAPTIONS);
    // the row said composing before the final cut began
    expect(jobs.update.mock.invocationCallOrder[0]).toBeLessThan(composer.finalCut.mock.invocationCallOrder[0]);
  });

  it('cuts every scene clip from storage with the stored soundtrack, in the formats the brief asks for', async () => {
    const { step, bullJob, store, requests, prefix, storyboard } = await given({ aspectRatios: ['16:9', '1:1'] });
    await step.handle(bullJob);
    const [request] = requests;
    expect(store.downloadTo).toHaveBeenCalledWith(`${prefix}/clips/scene_0.mp4`, request.clips[0].path);
    expect(store.downloadTo).toHaveBeenCalledWith(`${prefix}/clips/scene_1.mp4`, request.clips[1].path);
    // the audio is the soundtrack step's, copied in: compose neither downloads the music nor mixes
    expect(store.downloadTo).toHaveBeenCalledWith(`${prefix}/audio/soundtrack.m4a`, request.audio.made?.path);
    expect(store.downloadTo).not.toHaveBeenCalledWith(`${prefix}/audio/music.m4a`, expect.anything());
    expect(request.audio.made?.loudness).toEqual({ measuredLufs: -20.5, measuredTruePeakDb: -3 });
    expect(request.clips.map((c) => c.transitionIn)).toEqual(storyboard.scenes.map((s) => s.transitionIn));
    expect(request.outputs.map((o) => [o.aspectRatio, o.spec.width, o.spec.height])).toEqual([
      ['16:9', 1280, 720],
      ['1:1', 1080, 1080],
    ]);
    expect(request.metadata).toMatchObject({ ai_generated: 'true', reelsmith_job_id: bullJob.data.jobId });
  });

  it('stores what each cut drew, and hands a revision the earlier cut when only its text can differ', async () => {
    const { step, bullJob, store, requests, prefix, rows, row } = await given({ aspectRatios: ['16:9', '1:1'] });
    await step.handle(bullJob);
    const [manifestKey, manifest] = store.putJson.mock.calls.find(([key]) => key.endsWith('cut-manifest.json'))!;
    expect(manifestKey).toBe(`${prefix}/final/cut-manifest.json`);
    expect(manifest).toEqual({ pictureKey: expect.stringMatching(/^[0-9a-f]{64}$/), scripts: [null, null] });
    expect(requests[0].previous).toBeNull();

    // revision 1 recomposes while the row still shows revision 0's outputs
    const again = async () => {
      rows.get(row.id)!.status = 'composing';
      await step.handle(mock<BullJob<JobRef>>({ ...bullJob, data: { ...bullJob.data, revision: 1 } }));
      return requests.at(-1)!;
    };
    store.getJson.mockImplementation(async (key) => (key.endsWith('/final/cut-manifest.json') ? manifest : null));
    const revised = await again();
    expect(revised.previous?.outputs).toEqual([
      { videoPath: expect.stringMatching(/previous_0\.mp4$/), ass: null },
      { videoPath: expect.stringMatching(/previous_1\.mp4$/), ass: null },
    ]);
    expect(store.downloadTo).toHaveBeenCalledWith(`${prefix}/final/output.mp4`, revised.previous!.outputs[0].videoPath);
    expect(store.putJson).toHaveBeenCalledWith(`${prefix}/revisions/r1/final/cut-manifest.json`, manifest);

    expect((await again()).previous).not.toBeNull();
    // a clip made again is another picture: nothing of the earlier cut is reused
    store.downloadTo.mockImplementation(async (key, path) => writeFile(path, `${key} made again`));
    expect((await again()).previous).toBeNull();
  });

  it('measures a major statement on the stems stored beside the soundtrack and its spoken lines', async () => {
    const lines = [{ text: 'Do not exceed 10 mg / in 24 hours.', startSec: 4, endSec: 6 }];
    const { step, bullJob, store, measurer, prefix } = await given({ voiceover: { enabled: true } }, (s) => {
      s.compliance = { text: lines[0].text, statement: { startSec: 4, endSec: 6, lines } };
    });
    store.head.mockResolvedValue({
      'measured-lufs': '-20.5',
      'measured-true-peak-db': '-3',
      stems: 'music,ducked,voice',
    });
    measurer.measure.mockRejectedValue(new Error('measured'));
    await step.handle(bullJob).catch(() => undefined);
    const [[measured]] = measurer.measure.mock.calls;
    for (const name of ['music', 'ducked', 'voice']) {
      expect(store.downloadTo).toHaveBeenCalledWith(`${prefix}/audio/stem.${name}.wav`, expect.any(String));
    }
    expect(measured.stems).toEqual({
      musicPath: expect.stringMatching(/stem\.music\.wav$/),
      duckedPath: expect.stringMatching(/stem\.ducked\.wav$/),
      voicePath: expect.stringMatching(/stem\.voice\.wav$/),
    });
    expect(measured.plan).toEqual({ startSec: 4, endSec: 6, lines });
    expect(measured.narration.filter((l) => l.role === 'statement')).toEqual([{ ...lines[0], role: 'statement' }]);
  });

  it('measures only the pictures when the soundtrack step measured the statement with this soundtrack', async () => {
    const lines = [{ text: 'Do not exceed 10 mg / in 24 hours.', startSec: 4, endSec: 6 }];
    const { step, bullJob, store, measurer, prefix } = await given({ voiceover: { enabled: true } }, (s) => {
      s.compliance = { text: lines[0].text, statement: { startSec: 4, endSec: 6, lines } };
    });
    store.head.mockResolvedValue({ 'content-hash': 'h1', stems: 'music,ducked,voice' });
    const audio = { window: { startSec: 4, endSec: 6 }, lines: [], statementWordsPerSec: 2, duckingDb: 16 };
    store.getJson.mockImplementation(async (key) => (key === `${prefix}/audio/statement-audio.json` ? audio : null));
    measurer.measureFormats.mockRejectedValue(new Error('measured'));
    await step.handle(bullJob).catch(() => undefined);
    expect(measurer.measure).not.toHaveBeenCalled();
    expect(measurer.measureFormats.mock.calls[0][0].plan).toEqual({ startSec: 4, endSec: 6, lines });
    expect(store.downloadTo).not.toHaveBeenCalledWith(`${prefix}/audio/stem.voice.wav`, expect.any(String));
  });

  it('captions each scene narration over its scene when the voiceover is enabled', async () => {
    const { step, bullJob, requests } = await given({ voiceover: { enabled: true } }, (s) => {
      s.scenes[0].narration = 'Fresh sourdough, every morning.';
      s.scenes[1].narration = undefined;
    });
    await step.handle(bullJob);
    expect(requests[0].audio.narration).toEqual([
      { text: 'Fresh sourdough, every morning.', startSec: 0.2, endSec: 3 },
    ]);
  });

  it('hands the final cut the watermark logo as a PNG file', async () => {
    const logo = `data:image/png;base64,${PNG.toString('base64')}`;
    const { step, bullJob, requests, logos } = await given({ watermark: { logo, position: 'top-left' } });
    await step.handle(bullJob);
    expect(requests[0].watermark).toMatchObject({ position: 'top-left', opacity: 0.6, logoPath: expect.any(String) });
    expect(logos).toEqual([PNG]);
  });

  it('fails the row with COMPOSE.FAILED before any ffmpeg call when the watermark logo is not a PNG', async () => {
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    const { step, bullJob, rows, row, composer, ffmpeg, store } = await given({
      watermark: { logo: `data:image/png;base64,${gif.toString('base64')}` },
    });
    const error = await step.handle(bullJob).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(rows.get(row.id)).toMatchObject({
      status: 'failed',
      error: { code: 'COMPOSE.FAILED', message: 'the watermark logo is not a PNG image' },
      outputs: [],
    });
    expect(composer.finalCut).not.toHaveBeenCalled();
    expect(composer.poster).not.toHaveBeenCalled();
    expect(composer.preview).not.toHaveBeenCalled();
    expect(ffmpeg.run).not.toHaveBeenCalled();
    expect(ffmpeg.probe).not.toHaveBeenCalled();
    expect(store.putFile).not.toHaveBeenCalled();
  });

  it('leaves no scratch files behind, whether the cut succeeds or fails', async () => {
    const ok = await given();
    await ok.step.handle(ok.bullJob);
    expect(await readdir(join(ok.dataDir, 'work'))).toEqual([]);
    const failing = await given();
    failing.composer.finalCut.mockRejectedValue(new Error('ffmpeg exited with code 1'));
    await expect(failing.step.handle(failing.bullJob)).rejects.toThrow('ffmpeg exited with code 1');
    expect(await readdir(join(failing.dataDir, 'work'))).toEqual([]);
  });

  it('leaves the row composing for another attempt when the first final cut fails', async () => {
    const { step, bullJob, rows, row, composer } = await given();
    composer.finalCut.mockRejectedValue(new Error('ffmpeg exited with code 1'));
    await expect(step.handle(bullJob)).rejects.toThrow('ffmpeg exited with code 1');
    expect(rows.get(row.id)).toMatchObject({ status: 'composing', error: null });
  });
});
