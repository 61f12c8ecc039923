import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FakeVllmOmniServer } from '@app/testing';
import { type BuiltStack, KEY_A, KEY_ADMIN, startBuiltStack } from '../support/built-stack';
import { Client, type JobView } from '../support/http';
import { download, ffmpeg } from '../support/media-checks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sneaker = JSON.parse(
  readFileSync(resolve(__dirname, '..', '..', 'examples', 'briefs', 'sneaker-15s-vertical.json'), 'utf8'),
);
const WAN = 'Wan-AI/Wan2.2-TI2V-5B-Diffusers';
const TTS = 'Qwen/Qwen3-TTS-12Hz-1.7B-CustomVoice';

type ProviderView = JobView & {
  usage: { items: Array<{ provider: string; model: string; seconds: number }>; costUsd: number };
};

describe('a real video backend (local vLLM-Omni server), end to end', () => {
  let server: FakeVllmOmniServer;
  /** a second server: each vLLM-Omni server runs one model, here the voiceover's */
  let voice: FakeVllmOmniServer;
  let stack: BuiltStack | null = null;
  let work: string;

  beforeAll(async () => {
    server = await FakeVllmOmniServer.start({ model: WAN, queuedMs: 200, runMs: 1_500, clipSec: 5 });
    voice = await FakeVllmOmniServer.start({ model: TTS });
    work = mkdtempSync(join(tmpdir(), 'reelsmith-providers-'));
  });
  afterAll(async () => {
    await stack?.stop();
    await server.close();
    await voice.close();
    rmSync(work, { recursive: true, force: true });
  });

  const env = () => ({ VLLM_OMNI_BASE_URL: `${server.url},${voice.url}` });

  it('renders a brief with the provider, seeding chained scenes with the previous last frame', async () => {
    stack = await startBuiltStack({ env: env() });
    const client = new Client(stack.baseUrl, KEY_A);
    const health = await new Client(stack.baseUrl, KEY_ADMIN).request('GET', '/v1/health');
    expect(health.body.backends.realVideoBackend).toBe(true);
    expect(health.body.providers.checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: 'vllm-omni', ok: true })]),
    );

    const { body } = await client.submit(sneaker);
    const job = (await client.waitFor(
      body.id,
      (j) => ['completed', 'failed'].includes(j.status),
      240_000,
    )) as ProviderView;
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');

    const creates = server.requestsTo('POST', /^\/v1\/videos$/);
    expect(creates).toHaveLength(job.scenes.length);
    for (const scene of job.scenes) {
      // each create carries the scene's own prompt; chained scenes carry the seed frame
      const create = creates.find((c) => c.fields?.prompt && (scene.seededFrom === null) === !c.files?.input_reference);
      expect(create).toBeDefined();
    }
    const seeded = creates.filter((c) => c.files?.input_reference);
    expect(seeded).toHaveLength(job.scenes.filter((s) => s.seededFrom !== null).length);
    seeded.forEach((c) => expect(c.files!.input_reference.type).toBe('image/png'));

    const videoUsage = job.usage.items.filter((u) => u.model === WAN);
    expect(videoUsage).toHaveLength(job.scenes.length);
    expect(videoUsage.every((u) => u.provider === 'vllm-omni' && u.seconds > 0)).toBe(true);
    // the voiceover came from the speech server, one request per narration line
    const spoken = voice.requestsTo('POST', /^\/v1\/audio\/speech$/);
    expect(spoken.length).toBeGreaterThan(0);
    expect(spoken.every((r) => (r.json as { model: string }).model === TTS)).toBe(true);
    const usage = await client.request('GET', '/v1/usage');
    expect(usage.body.calls).toBeGreaterThanOrEqual(job.scenes.length);

    const video = job.outputs.find((o) => o.type === 'video')!;
    const probe = await ffmpeg.probe(await download(video.url, work, 'vllm.mp4'));
    expect(probe.video).toMatchObject({ codec: 'h264', width: 720, height: 1280 });
    expect(Math.abs(probe.durationSec - 15)).toBeLessThanOrEqual(0.25);
    await stack.stop();
    stack = null;
  });

  it('resumes polling the same provider job after the stack is killed mid-scene: no second create', async () => {
    server.reset();
    server.setTiming({ queuedMs: 500, runMs: 6_000 });
    stack = await startBuiltStack({ env: env() });
    const dataDir = stack.dataDir;
    let client = new Client(stack.baseUrl, KEY_A);
    const { body } = await client.submit(sneaker);
    const running = await client.waitFor(
      body.id,
      (j) => j.scenes.some((s) => s.status === 'running' && (s as { providerJobId?: string }).providerJobId),
      120_000,
    );
    const inFlight = running.scenes.filter((s) => (s as { providerJobId?: string }).providerJobId).map((s) => s.index);
    await stack.kill();
    const createsBeforeRestart = server.createCount;

    server.setTiming({ queuedMs: 200, runMs: 1_500 });
    stack = await startBuiltStack({ dataDir, env: env() });
    client = new Client(stack.baseUrl, KEY_A);
    const job = await client.waitFor(body.id, (j) => ['completed', 'failed'].includes(j.status), 240_000);
    expect(job.status).toBe('completed');
    // one create per scene in all: the scenes in flight at the kill were polled again, not re-created
    expect(server.createCount).toBe(job.scenes.length);
    expect(createsBeforeRestart).toBeGreaterThanOrEqual(inFlight.length);
    for (const i of inFlight) {
      expect((job.scenes[i] as { providerJobId?: string }).providerJobId).toBe(
        (running.scenes[i] as { providerJobId?: string }).providerJobId,
      );
    }
  }, 420_000);
});
