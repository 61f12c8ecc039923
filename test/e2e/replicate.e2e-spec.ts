import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeReplicateServer } from '@app/testing';
import { type BuiltStack, KEY_A, KEY_ADMIN, startBuiltStack } from '../support/built-stack';
import { Client, type JobView } from '../support/http';
import { download, ffmpeg } from '../support/media-checks';

const TOKEN = 'r8_local_test_token';
const SECRET = `whsec_${Buffer.from('reelsmith-e2e-webhook-secret').toString('base64')}`;
const BRIEF = {
  brief:
    '15-second vertical ad for the Volt Runner sneaker: one continuous shot from a dark tunnel into neon streets, then a hard cut to the shoe.',
  durationSec: 15,
  aspectRatio: '9:16',
  product: { name: 'Volt Runner' },
  tone: 'energetic',
  music: { enabled: false },
};

type UsageView = JobView & { usage: { costUsd: number; estimatedCostUsd: number | null; items: unknown[] } };
type AnchoredView = Omit<JobView, 'scenes'> & {
  keyframes: { status: string; count: number; done: number; startedAt: string | null } | null;
  scenes: Array<
    JobView['scenes'][number] & {
      strategy: 'chained' | 'anchored';
      slot: string | null;
      continuity: { start: number | null; end: number | null; passed: boolean; rejected: unknown } | null;
    }
  >;
};

/** Frames, rate and size of a clip, counted by decoding. */
async function framesOf(path: string) {
  const probe = await ffmpeg.probe(path);
  let frames = 0;
  await ffmpeg.run(
    { inputs: [{ path, options: [] }], outputs: [{ path: '-', options: ['-map', '0:v:0', '-f', 'null'] }] },
    { onStderr: (line) => (frames = Number(/frame=\s*(\d+)/.exec(line)?.[1] ?? frames)) },
  );
  return { frames, fps: probe.video!.fps, width: probe.video!.width, height: probe.video!.height };
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a hosted video backend (local Replicate server), end to end', () => {
  let replicate: FakeReplicateServer;
  let stack: BuiltStack;
  let client: Client;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replicate-e2e-'));
    replicate = await FakeReplicateServer.start({
      tokens: [TOKEN],
      webhookSecret: SECRET,
      startingMs: 200,
      processingMs: 1_000,
    });
    env = {
      REPLICATE_API_TOKEN: TOKEN,
      REPLICATE_BASE_URL: replicate.url,
      REPLICATE_WEBHOOK_SECRET: SECRET,
      // a GPU slot per scene, so nothing waits for a device (CUDA is absent: the checks run on the CPU)
      GPU_DEVICES: '0,1,2,3',
      // a step held by a killed worker is taken up again within seconds (the restart test below)
      WORKER_LOCK_MS: '5000',
    };
    stack = await startBuiltStack({ env });
    client = new Client(stack.baseUrl, KEY_A);
  });
  afterAll(async () => {
    await stack?.stop();
    await replicate?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders with Kling anchored on boundary keyframes: every scene starts at once, boundaries scored, cost recorded', async () => {
    const health = await new Client(stack.baseUrl, KEY_ADMIN).request('GET', '/v1/health');
    expect(health.body.backends.realVideoBackend).toBe(true);

    const { body } = await client.submit(BRIEF);
    const job = (await client.waitFor(
      body.id,
      (j) => ['completed', 'failed'].includes(j.status),
      240_000,
    )) as UsageView;
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');
    const creates = replicate.requestsTo('POST', /\/predictions$/);
    expect(creates).toHaveLength(job.scenes.length);
    const inputs = creates.map((c) => (c.json as { input: Record<string, unknown> }).input);
    const withStart = inputs.filter((i) => typeof i.start_image === 'string');
    expect(withStart).toHaveLength(job.scenes.filter((s) => s.seededFrom !== null).length);
    withStart.forEach((i) => expect(i.start_image).toMatch(/^data:image\/png;base64,/));
    // each boundary's keyframe is the end of one scene and the start of the next
    const withEnd = inputs.filter((i) => typeof i.end_image === 'string');
    expect(withEnd).toHaveLength(withStart.length);

    // Kling takes first and last frames: the continuous shot is anchored, its keyframes made first
    const scenes = (job as unknown as AnchoredView).scenes;
    const anchored = scenes.filter((s) => s.strategy === 'anchored');
    expect(anchored.length).toBeGreaterThan(1);
    const keyframes = (job as unknown as AnchoredView).keyframes!;
    expect(keyframes).toMatchObject({ status: 'completed', count: withStart.length, done: withStart.length });
    // ... and then no scene waited for another: each started before the first of them finished
    const firstFinish = Math.min(...anchored.map((s) => Date.parse(s.finishedAt!)));
    for (const s of anchored) {
      expect(Date.parse(s.startedAt!)).toBeGreaterThanOrEqual(Date.parse(keyframes.startedAt!));
      expect(Date.parse(s.startedAt!)).toBeLessThan(firstFinish);
      expect(s.slot).toMatch(/^gpu[0-3]$/);
    }
    // every boundary met its keyframe, as scored by the continuity model
    for (const s of anchored) {
      expect(s.continuity).toMatchObject({ passed: true, rejected: null });
      const scores = [s.continuity!.start, s.continuity!.end].filter((x): x is number => x !== null);
      expect(scores.length).toBeGreaterThan(0);
      scores.forEach((x) => expect(x).toBeGreaterThan(0.8));
    }

    // health names the worker's slots, the model each holds, and the in-process models it loaded
    const after = await new Client(stack.baseUrl, KEY_ADMIN).request('GET', '/v1/health');
    const [worker] = after.body.workers as Array<{
      slots: Array<{ id: string; model: string | null; loads: number }>;
      models: Array<{ key: string; executionProviders: string[] }>;
      modelLog: string[];
    }>;
    expect(worker.slots.map((s) => s.id)).toEqual(['gpu0', 'gpu1', 'gpu2', 'gpu3']);
    expect(worker.models.map((m) => m.key)).toEqual(
      expect.arrayContaining(['reelsmith/continuity-ssim-7x7', expect.stringMatching(/^reelsmith\/flash-bt1702/)]),
    );
    worker.models.forEach((m) => expect(m.executionProviders).toEqual(['cpu']));
    expect(worker.modelLog.join('\n')).toMatch(
      /gpu\d: loading video_default \(replicate kwaivgi\/kling-v2.5-turbo-pro\)/,
    );
    expect(stack.logs()).toMatch(/gpu\d: video_default ready in \d+ ms/);
    inputs.forEach((i) => expect([5, 10]).toContain(i.duration));
    expect(job.usage.costUsd).toBeGreaterThan(0);
    expect(job.usage.estimatedCostUsd).toBeGreaterThan(0);
  });

  it('fails a job that would exceed its budget before paying for anything', async () => {
    const before = replicate.createCount;
    const { body } = await client.submit({ ...BRIEF, budgetUsd: 0.1 });
    const job = await client.waitFor(body.id, (j) => ['completed', 'failed'].includes(j.status), 60_000);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('BUDGET.EXCEEDED');
    expect(replicate.createCount).toBe(before);
  });

  it('makes a single image with FLUX.1 [schnell] (profile image_flux): a PNG of the asked size, model and seed in its metadata', async () => {
    const before = replicate.createCount;
    const { status, body } = await client.request('POST', '/v1/generate/image?wait=60', {
      prompt: 'a glass of water on a sunlit kitchen table',
      profile: 'image_flux',
      params: { resolution: '640x360', seed: 42 },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'asset', status: 'completed', type: 'image', mode: 'text' });
    const [output] = body.outputs;
    expect(output).toMatchObject({ type: 'image', contentType: 'image/png', width: 640, height: 360 });
    expect(output.metadata).toMatchObject({ model: 'black-forest-labs/flux-schnell', seed: 42 });
    const png = await download(output.url, dir, 'flux.png');
    expect((await ffmpeg.probe(png)).video).toMatchObject({ codec: 'png', width: 640, height: 360 });

    expect(replicate.createCount).toBe(before + 1);
    const prediction = [...replicate.predictions.values()].at(-1)!;
    expect(prediction).toMatchObject({
      model: 'black-forest-labs/flux-schnell',
      input: { aspect_ratio: '16:9', seed: 42, output_format: 'png', num_outputs: 1 },
    });
    const { body: job } = await client.request('GET', `/v1/jobs/${body.id}`);
    expect(job.usage.costUsd).toBeCloseTo(0.003, 6);
  });

  it('makes a single clip with Kling (profile video_kling) from an input image and, killed mid-prediction, resumes it without a second create', async () => {
    const source = join(dir, 'start.png');
    await ffmpeg.run({
      inputs: [{ path: 'testsrc2=size=640x360', options: ['-f', 'lavfi'] }],
      outputs: [{ path: source, options: ['-frames:v', '1', '-update', '1'] }],
    });
    const before = replicate.createCount;
    replicate.setTiming({ processingMs: 6_000 });
    const submitted = await client.request('POST', '/v1/generate/video', {
      prompt: 'the camera glides over a spring meadow',
      mode: 'image',
      image: readFileSync(source).toString('base64'),
      profile: 'video_kling',
      params: { resolution: '640x360', frames: 36, fps: 12, seed: 5 },
    });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;

    // the worker polls only once the row holds the prediction: then it is killed with everything else
    await until(() => replicate.createCount > before, 60_000, 'the Kling prediction');
    const prediction = [...replicate.predictions.values()].at(-1)!;
    await until(
      () => replicate.requestsTo('GET', new RegExp(`^/v1/predictions/${prediction.id}$`)).length > 0,
      30_000,
      'the first poll',
    );
    await stack.kill();
    replicate.setTiming({ processingMs: 1_000 });
    stack = await startBuiltStack({ dataDir: stack.dataDir, env });
    client = new Client(stack.baseUrl, KEY_A);

    const done = await client.waitFor(id, (j) => ['completed', 'failed'].includes(j.status), 120_000);
    expect(done.error).toBeNull();
    expect(replicate.createCount).toBe(before + 1);
    expect(prediction.model).toBe('kwaivgi/kling-v2.5-turbo-pro');
    expect(prediction.input).toMatchObject({ duration: 5, aspect_ratio: '16:9' });
    expect(prediction.files.start_image).toMatchObject({ type: 'image/png' });

    const { body } = await client.request('GET', `/v1/generate/${id}`);
    const [output] = body.outputs;
    expect(output).toMatchObject({ type: 'video', contentType: 'video/mp4', width: 640, height: 360, durationSec: 3 });
    expect(output.metadata).toMatchObject({ model: 'kwaivgi/kling-v2.5-turbo-pro', seed: 5 });
    const clip = await download(output.url, dir, 'kling.mp4');
    expect(await framesOf(clip)).toEqual({ frames: 36, fps: 12, width: 640, height: 360 });
  });

  it('accepts only webhooks signed with the secret', async () => {
    const forged = await fetch(`${stack.baseUrl}/v1/webhooks/replicate`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_1',
        'webhook-timestamp': `${Math.floor(Date.now() / 1000)}`,
        'webhook-signature': 'v1,AAAA',
      },
      body: JSON.stringify({ id: 'p1', status: 'succeeded' }),
    });
    expect(forged.status).toBe(401);
  });
});
