import { type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { briefSchema, type Storyboard } from '@app/domain';
import { TemplatePlanner } from '@app/planner';
import { FakeVllmOmniServer, spawnTsChild, startTestEnv, type TestEnv } from '@app/testing';
import { ApiModule } from '../api.module';

const WORKER_MAIN = join(__dirname, '..', '..', '..', 'worker', 'src', 'main.ts');
const KEY = 'key-a';
/** Eight seconds, no music or voice: the picture is all there is to make. */
const BRIEF = {
  brief: 'An eight-second ad for Breeze allergy relief: one continuous shot through a spring park at dawn.',
  durationSec: 8,
  aspectRatio: '16:9',
  product: { name: 'Breeze' },
  callToAction: 'Breathe easy.',
  music: { enabled: false },
  voiceover: { enabled: false },
  seed: 5,
};

interface SceneView {
  index: number;
  status: string;
  seededFrom: number | null;
  providerJobId?: string;
}
interface JobView {
  status: string;
  error: { code: string } | null;
  revision?: { number: number; status: string };
  scenes: SceneView[];
}

/**
 * Revisions on real Redis, dynalite, s3rver and ffmpeg: the API in this process, the worker a
 * child process of its own (so it can be SIGKILLed mid-generation), and a local vLLM-Omni server
 * whose model takes a first frame only, so the four scenes of one continuous shot make one chained
 * chain. Provider creates are counted.
 */
describe('revisions of a chained job (API here, worker in a child process)', () => {
  let env: TestEnv;
  let video: FakeVllmOmniServer;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let worker: ChildProcess | null = null;
  let workerLog = '';
  let jobId: string;

  const workerEnv = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REDIS_URL: env.config.redisUrl!,
    QUEUE_PREFIX: env.config.queuePrefix,
    DYNAMODB_ENDPOINT: env.config.dynamodb.endpoint!,
    S3_ENDPOINT: env.config.s3.endpoint!,
    DATA_DIR: env.dataDir,
    VLLM_OMNI_BASE_URL: video.url,
    WORKER_CONCURRENCY: '2',
    // a killed worker's scene is taken up again one lock later
    WORKER_LOCK_MS: '5000',
    LOG_LEVEL: 'warn',
  });

  function startWorker(): ChildProcess {
    const child = spawnTsChild(WORKER_MAIN, [], workerEnv());
    const keep = (d: Buffer) => (workerLog = (workerLog + d.toString()).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    return child;
  }

  async function killWorker(signal: NodeJS.Signals): Promise<void> {
    const child = worker;
    worker = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  const job = async () => (await http.get(`/v1/jobs/${jobId}`).set('x-api-key', KEY)).body as JobView;
  async function waitFor(done: (j: JobView) => boolean, timeoutMs = 240_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await job();
      if (done(view)) return view;
      if (Date.now() > deadline) throw new Error(`timed out; job ${JSON.stringify(view)}\nworker:\n${workerLog}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  const finished = (revision: number) => (j: JobView) =>
    ['failed', 'cancelled'].includes(j.status) || (j.status === 'completed' && (j.revision?.number ?? 0) === revision);
  const creates = () => video.requestsTo('POST', /^\/v1\/videos$/);
  const revise = (body: object) => http.post(`/v1/jobs/${jobId}/revisions`).set('x-api-key', KEY).send(body);

  beforeAll(async () => {
    video = await FakeVllmOmniServer.start({ queuedMs: 50, runMs: 200, clipSec: 3, distinctClips: true });
    env = await startTestEnv({ API_KEYS: `${KEY}=tenantA`, VLLM_OMNI_BASE_URL: video.url });
    const moduleRef = await Test.createTestingModule({ imports: [ApiModule.register(env.config)] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    http = request(app.getHttpServer());
    worker = startWorker();

    // A person's storyboard: four 2 s scenes in one continuous shot.
    const storyboard: Storyboard = await new TemplatePlanner().plan(briefSchema.parse(BRIEF));
    storyboard.scenes = [0, 1, 2, 3].map((index) => ({
      ...storyboard.scenes[0],
      index,
      durationSec: 2,
      transitionIn: index === 0 ? ('cut' as const) : ('continuous' as const),
      visualPrompt: `Spring park at dawn, shot ${index + 1}: pollen drifting in warm light.`,
      onScreenText: '',
    }));
    for (const scene of storyboard.scenes) delete scene.transitionSec;
    storyboard.endCard.durationSec = 2;
    const submitted = await http
      .post('/v1/jobs')
      .set('x-api-key', KEY)
      .send({ ...BRIEF, storyboard });
    expect([submitted.status, submitted.body.error]).toEqual([202, undefined]);
    jobId = submitted.body.id;
    const first = await waitFor(finished(0));
    expect([first.status, first.error]).toEqual(['completed', null]);
    expect(first.scenes.map((s) => s.seededFrom)).toEqual([null, 0, 1, 2]);
    expect(creates()).toHaveLength(4);
  }, 300_000);

  afterAll(async () => {
    await killWorker('SIGKILL');
    await app?.close();
    await env?.close();
    await video?.close();
  });

  it("makes exactly 3 creates when scene 2's prompt changes: it and the two scenes seeded from it", async () => {
    const prompt = 'Spring park at dawn, a cyclist passes through the pollen.';
    const accepted = await revise({ scenes: [{ index: 1, visualPrompt: prompt }] });
    expect(accepted.status).toBe(202);
    expect(accepted.body.regenerate).toEqual([
      { index: 1, reason: 'changed' },
      { index: 2, reason: 'new-seed-frame' },
      { index: 3, reason: 'new-seed-frame' },
    ]);
    const revised = await waitFor(finished(1));
    expect([revised.status, revised.error]).toEqual(['completed', null]);
    const made = creates().slice(4);
    expect(made).toHaveLength(3);
    expect(made.filter((c) => c.fields?.prompt === prompt)).toHaveLength(1);
  }, 240_000);

  it('resumes a revision whose worker was SIGKILLed mid-generation, without a second create', async () => {
    video.setTiming({ queuedMs: 100, runMs: 5_000 });
    const prompt = 'Spring park at dawn, a kite rises over the meadow.';
    const before = creates().length;
    const accepted = await revise({ scenes: [{ index: 2, visualPrompt: prompt }] });
    expect(accepted.status).toBe(202);
    expect(accepted.body.regenerate.map((r: { index: number }) => r.index)).toEqual([2, 3]);
    // scene 3 (index 2) is being made at the provider, by a worker that is about to die
    const running = await waitFor((j) => Boolean(j.scenes[2].providerJobId) && j.scenes[2].status === 'running');
    expect(creates()).toHaveLength(before + 1);
    await killWorker('SIGKILL');

    video.setTiming({ queuedMs: 50, runMs: 200 });
    worker = startWorker();
    const revised = await waitFor(finished(2));
    expect([revised.status, revised.error]).toEqual(['completed', null]);
    // the killed scene was polled again, not created again; the scene seeded from it was made once
    expect(revised.scenes[2].providerJobId).toBe(running.scenes[2].providerJobId);
    expect(creates()).toHaveLength(before + 2);
    expect(creates().filter((c) => c.fields?.prompt === prompt)).toHaveLength(1);
  }, 300_000);
});
