import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Logger } from '@nestjs/common';
import { type Job as BullJob } from 'bullmq';
import { mock } from 'jest-mock-extended';
import { NEVER } from 'rxjs';
import { loadConfig } from '@app/config';
import { type BriefInput, type Job, LOUDNESS_TARGETS, type Storyboard } from '@app/domain';
import { type Generators, type SpeechGenerator } from '@app/generation';
import { type Composer, type SoundtrackRequest, type StatementMeasurer } from '@app/media';
import { type JobChangeNotifier, type JobRepository, newJobId } from '@app/persistence';
import { type JobRef, STEP_OPTIONS } from '@app/pipeline';
import { TemplatePlanner } from '@app/planner';
import { type ArtifactStore } from '@app/storage';
import { aBrief, aJob, withJobRows } from '@app/testing';
import { SoundtrackStep } from './soundtrack.step';
import { StepRunner } from './step-runner.service';
import { type Storyboards } from './storyboards.service';
import { type UsageRecorder } from './usage-recorder.service';

const STATEMENT_AUDIO = {
  window: { startSec: 3, endSec: 6 },
  lines: [],
  statementWordsPerSec: 2.1,
  otherWordsPerSec: null,
  duckingDb: 16,
  statementLoudnessLufs: -20,
  otherNarrationLoudnessLufs: null,
};

/**
 * SoundtrackStep through the real StepRunner over a mocked repository, with Composer, store and
 * generators mocked: nothing is rendered; the requests it makes and what it stores are checked.
 */
describe(SoundtrackStep.name, () => {
  beforeAll(() => Logger.overrideLogger(false));
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function given(overrides: Partial<BriefInput> = {}, edit: (s: Storyboard) => void = () => undefined) {
    const brief = aBrief(overrides);
    const storyboard = await new TemplatePlanner().plan(brief);
    edit(storyboard);
    const dataDir = await mkdtemp(join(tmpdir(), 'soundtrack-step-spec-'));
    dirs.push(dataDir);
    const row: Job = aJob({ id: newJobId(), status: 'generating', brief, stages: {} });
    const jobs = mock<JobRepository>();
    withJobRows(jobs, row);
    const steps = new StepRunner(jobs, Object.assign(mock<JobChangeNotifier>(), { changes$: NEVER }));
    const store = mock<ArtifactStore>();
    const heads = new Map<string, Record<string, string>>([[`music`, { 'content-hash': 'music-1' }]]);
    store.head.mockImplementation(async (key) => heads.get(key.endsWith('music.m4a') ? 'music' : key) ?? null);
    store.putFile.mockImplementation(async (key, _path, _type, metadata) => void heads.set(key, metadata ?? {}));
    const storyboards = mock<Storyboards>();
    storyboards.load.mockResolvedValue(storyboard);
    const composer = mock<Composer>();
    const requests: SoundtrackRequest[] = [];
    composer.soundtrack.mockImplementation(async (request) => {
      requests.push(structuredClone(request));
      // with a major statement, pass 1 also writes the stems it is measured on
      const stems = request.statement
        ? { musicPath: 'stem.music.wav', duckedPath: 'stem.ducked.wav', voicePath: 'stem.voice.wav' }
        : null;
      return { measuredLufs: -21, measuredTruePeakDb: -4, stems };
    });
    const generators = mock<Generators>({ image: null, speech: null });
    const usage = mock<UsageRecorder>();
    const measurer = mock<StatementMeasurer>();
    measurer.measureAudio.mockResolvedValue(STATEMENT_AUDIO);
    const step = new SoundtrackStep(
      loadConfig({ DATA_DIR: dataDir }),
      steps,
      store,
      storyboards,
      composer,
      generators,
      usage,
      measurer,
    );
    const ref: JobRef = { tenantId: row.tenantId, jobId: row.id };
    const bullJob = mock<BullJob<JobRef>>({
      id: `${row.id}.soundtrack`,
      data: ref,
      attemptsMade: 0,
      opts: STEP_OPTIONS.soundtrack,
    });
    const prefix = `users/tenantA/jobs/${row.id}`;
    return {
      step,
      bullJob,
      store,
      heads,
      composer,
      requests,
      generators,
      usage,
      prefix,
      dataDir,
      storyboard,
      measurer,
    };
  }

  it('mixes the stored music at the brief loudness for the ad length and stores it with what it measured', async () => {
    const { step, bullJob, store, requests, prefix, heads, storyboard, dataDir } = await given({
      loudness: 'broadcast',
    });
    await step.handle(bullJob);
    const [request] = requests;
    expect(store.downloadTo).toHaveBeenCalledWith(`${prefix}/audio/music.m4a`, request.musicPath);
    expect(request).toMatchObject({ totalSec: storyboard.durationSec, loudness: LOUDNESS_TARGETS.broadcast });
    expect(store.putFile).toHaveBeenCalledWith(`${prefix}/audio/soundtrack.m4a`, expect.any(String), 'audio/mp4', {
      'content-hash': expect.any(String),
      'measured-lufs': '-21',
      'measured-true-peak-db': '-4',
    });
    expect(heads.has(`${prefix}/audio/soundtrack.m4a`)).toBe(true);
    expect(await readdir(join(dataDir, 'work'))).toEqual([]);
  });

  it('says a major statement line by line (role statement), holds the music down under it and stores its stems beside the soundtrack', async () => {
    const lines = [
      { text: 'Side effects include headache.', startSec: 3, endSec: 4.5 },
      { text: 'Do not exceed 10 mg / in 24 hours.', startSec: 4.5, endSec: 6 },
    ];
    const { step, bullJob, store, requests, prefix, measurer, heads } = await given(
      { voiceover: { enabled: true } },
      (s) => {
        s.compliance = { text: lines.map((l) => l.text).join(' '), statement: { startSec: 3, endSec: 6, lines } };
      },
    );
    await step.handle(bullJob);
    const [request] = requests;
    expect(request.statement).toEqual({ startSec: 3, endSec: 6 });
    expect(request.narration.filter((l) => l.role === 'statement')).toEqual(
      lines.map((l) => ({ ...l, role: 'statement' })),
    );
    for (const name of ['music', 'ducked', 'voice']) {
      expect(store.putFile).toHaveBeenCalledWith(`${prefix}/audio/stem.${name}.wav`, `stem.${name}.wav`, 'audio/wav');
    }
    expect(store.putFile).toHaveBeenCalledWith(
      `${prefix}/audio/soundtrack.m4a`,
      expect.any(String),
      'audio/mp4',
      expect.objectContaining({ stems: 'music,ducked,voice' }),
    );
    // measured here, with the soundtrack's hash, so compose measures only the pictures
    const [[measuring]] = measurer.measureAudio.mock.calls;
    expect(measuring).toMatchObject({
      plan: { startSec: 3, endSec: 6, lines },
      stems: { voicePath: 'stem.voice.wav' },
    });
    const hash = heads.get(`${prefix}/audio/soundtrack.m4a`)!['content-hash'];
    expect(store.putJson).toHaveBeenCalledWith(`${prefix}/audio/statement-audio.json`, STATEMENT_AUDIO, {
      'content-hash': hash,
    });
  });

  it('makes nothing again when the stored soundtrack was made from the same music, lines and loudness', async () => {
    const { step, bullJob, composer } = await given();
    await step.handle(bullJob);
    await step.handle(bullJob);
    expect(composer.soundtrack).toHaveBeenCalledTimes(1);
  });

  it('leaves the music out when the storyboard has none', async () => {
    const { step, bullJob, store, requests, prefix } = await given({ music: { enabled: false } });
    await step.handle(bullJob);
    expect(requests[0].musicPath).toBeNull();
    expect(store.downloadTo).not.toHaveBeenCalledWith(`${prefix}/audio/music.m4a`, expect.anything());
  });

  it('speaks each scene narration over its scene when the voiceover is enabled', async () => {
    const { step, bullJob, requests } = await given({ voiceover: { enabled: true } }, (s) => {
      s.scenes[0].narration = 'Fresh sourdough, every morning.';
      s.scenes[1].narration = undefined;
    });
    await step.handle(bullJob);
    expect(requests[0].narration).toEqual([{ text: 'Fresh sourdough, every morning.', startSec: 0.2, endSec: 3 }]);
  });

  it('speaks nothing when the voiceover is disabled, even where scenes have narration', async () => {
    // A person's storyboard may carry lines the brief then turns off.
    const { step, bullJob, requests } = await given({ voiceover: { enabled: false } }, (s) => {
      s.scenes[0].narration = 'Fresh sourdough, every morning.';
    });
    await step.handle(bullJob);
    expect(requests[0].narration).toEqual([]);
  });

  it('voices each narration line with the speech generator when one is configured and records its usage', async () => {
    const { step, bullJob, generators, usage, requests } = await given({ voiceover: { enabled: true } }, (s) => {
      s.scenes[0].narration = 'Fresh sourdough, every morning.';
      s.scenes[1].narration = 'Learn more.';
    });
    const speech = mock<SpeechGenerator>({ name: 'qwen3-tts' });
    const spent = { provider: 'vllm-omni', model: 'qwen3-tts', seconds: 2, calls: 1, costUsd: 0.01 };
    speech.generate.mockImplementation(async (request) => ({
      path: join(request.workDir, 'speech.wav'),
      usage: spent,
    }));
    Object.assign(generators, { speech });
    await step.handle(bullJob);
    expect(speech.generate.mock.calls.map(([r]) => r.text)).toEqual(['Fresh sourdough, every morning.', 'Learn more.']);
    const lines = requests[0].narration;
    expect(lines.map((l) => l.text)).toEqual(['Fresh sourdough, every morning.', 'Learn more.']);
    // one folder per line: a provider that names its output the same every time cannot overwrite a line
    expect(lines.map((l) => basename(dirname(l.audioPath!)))).toEqual(['voice-0', 'voice-1']);
    expect(lines.every((l) => l.audioPath?.endsWith('speech.wav'))).toBe(true);
    expect(usage.record).toHaveBeenCalledTimes(2);
    expect(usage.record).toHaveBeenCalledWith(bullJob.data, spent);
  });
});
