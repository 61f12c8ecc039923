import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { loadConfig } from '@app/config';
import { type OutputSpec, type StoryboardScene, Errors } from '@app/domain';
import { FfmpegRunner } from '@app/media';
import { deleteRedisPrefix, FakeReplicateServer, TEST_REDIS_URL } from '@app/testing';
import { type ImageGenerator, type ImageRequest, type ProviderJobRef, type VideoRequest } from '../generation.ports';
import { loadModelRegistry } from '../registry/model-registry.loader';
import { fingerprint } from '../throughput/key-ring.service';
import { type AdapterTuning } from '../provider-kit/adapter-tuning';
import { createGenerators } from '../generators.factory';
import { checkProviders, describeProviders } from '../provider-kit/provider-health.service';
import {
  acceptReplicateWebhook,
  REPLICATE_WEBHOOK_PATH,
  ReplicateWebhookRelay,
  ReplicateWebhookWaiter,
} from './replicate-webhook.waiter';

const ffmpeg = new FfmpegRunner({ logger: { log: () => undefined, error: () => undefined } });
const spec: OutputSpec = { width: 320, height: 180, fps: 24, pixelFormat: 'yuv420p', videoCodec: 'h264' };
const fast: Partial<AdapterTuning> = {
  poll: { initialMs: 20, maxMs: 80, factor: 1.5 },
  pollWithWebhook: { initialMs: 20_000, maxMs: 20_000 },
  retry: { attempts: 6, baseMs: 10, maxMs: 80, maxRetryAfterMs: 2_000 },
  requestTimeoutMs: 1_000,
  downloadTimeoutMs: 5_000,
  leaseMs: 2_000,
  slotPollMs: 15,
};
const embedded = {
  video: { name: 'animatic', real: false, generate: () => Promise.reject(new Error('embedded video not expected')) },
  music: { name: 'synth', generate: () => Promise.reject(new Error('embedded music not expected')) },
};
const secret = `whsec_${randomBytes(24).toString('base64')}`;
const TOKENS = ['r8_token_one', 'r8_token_two'];

/** The colour of a flat picture: scaled to one pixel, read as [r, g, b]. */
async function colourOf(path: string, dir: string): Promise<number[]> {
  const pixel = join(dir, `pixel-${randomBytes(4).toString('hex')}.rgb`);
  await ffmpeg.run({
    inputs: [{ path, options: [] }],
    outputs: [{ path: pixel, options: ['-vf', 'scale=1:1', '-frames:v', '1', '-pix_fmt', 'rgb24', '-f', 'rawvideo'] }],
  });
  return [...(await readFile(pixel))];
}

/** Whether two colours match within what a YUV round trip of the local server's lavfi source moves them. */
function sameColour(actual: number[], hex: string): boolean {
  const expected = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return actual.length === 3 && actual.every((v, i) => Math.abs(v - expected[i]) <= 6);
}

/** The picture the local server paints for a prompt and seed (its stand-in for FLUX's deterministic output). */
const fluxColour = (prompt: string, seed: number) =>
  createHash('sha256').update(`${prompt}|${seed}|0`).digest('hex').slice(0, 6);

const scene: StoryboardScene = {
  index: 2,
  beat: 'product',
  durationSec: 7,
  visualPrompt: 'The sneaker turns on a plinth, 85mm lens, clean key light',
  cameraMove: 'static',
  onScreenText: '',
  transitionIn: 'continuous',
  palette: ['#101010', '#f0f0f0'],
};

describe(`${createGenerators.name} on Replicate`, () => {
  let fake: FakeReplicateServer;
  let redis: Redis;
  let prefix: string;
  let workDir: string;
  const cleanups: (() => Promise<void>)[] = [];

  function build(env: NodeJS.ProcessEnv = {}, waiter: ReplicateWebhookWaiter | null = null) {
    const config = loadConfig({
      REPLICATE_API_TOKEN: TOKENS.join(','),
      REPLICATE_BASE_URL: fake.url,
      QUEUE_PREFIX: prefix,
      REDIS_URL: TEST_REDIS_URL,
      ...env,
    });
    const registry = loadModelRegistry(config);
    return {
      config,
      registry,
      generators: createGenerators(registry, config, { redis, ffmpeg, embedded, webhookWaiter: waiter, tuning: fast }),
    };
  }

  function request(overrides: Partial<VideoRequest> = {}): VideoRequest {
    return { scene, spec, durationSec: 7, seedFramePath: null, seed: 9, workDir, ...overrides };
  }

  const tokenOf = (r: { headers: { authorization?: string } }) => r.headers.authorization?.replace('Bearer ', '');

  beforeEach(async () => {
    prefix = `rs-test-${randomBytes(6).toString('hex')}`;
    redis = new Redis(TEST_REDIS_URL);
    workDir = await mkdtemp(join(tmpdir(), 'replicate-it-'));
    fake = await FakeReplicateServer.start({
      tokens: TOKENS,
      webhookSecret: secret,
      ffmpeg,
      startingMs: 30,
      processingMs: 150,
    });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await fake.close();
    redis.disconnect();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    await rm(workDir, { recursive: true, force: true });
  });

  it('creates Kling with the seed frame as start_image, polls, copies and normalises the output', async () => {
    const { generators } = build();
    const seedFramePath = join(workDir, 'seed.png');
    await ffmpeg.run({
      inputs: [{ path: 'color=c=red:s=320x180:d=1', options: ['-f', 'lavfi'] }],
      outputs: [{ path: seedFramePath, options: ['-frames:v', '1', '-update', '1'] }],
    });
    const refs: { ref: ProviderJobRef; gets: number }[] = [];
    const result = await generators.video.generate(request({ seedFramePath }), {
      onProviderJob: async (ref) => {
        refs.push({ ref, gets: fake.requestsTo('GET', /^\/v1\/predictions\//).length });
      },
    });

    expect(generators.video.name).toBe('replicate:kwaivgi/kling-v2.5-turbo-pro');
    const [prediction] = fake.predictions.values();
    expect(prediction.model).toBe('kwaivgi/kling-v2.5-turbo-pro');
    expect(prediction.input).toMatchObject({ prompt: scene.visualPrompt, duration: 10, aspect_ratio: '16:9' });
    expect(prediction.files.start_image).toMatchObject({ type: 'image/png' });
    expect(prediction.webhook).toBeNull();
    expect(refs).toEqual([
      {
        ref: expect.objectContaining({
          provider: 'replicate',
          id: prediction.id,
          endpoint: `${fake.url}/v1#key=${fingerprint(prediction.token)}`,
        }),
        gets: 0,
      },
    ]);
    expect(JSON.stringify(refs)).not.toContain('r8_token');
    const probe = await ffmpeg.probe(result.path);
    expect(probe.video).toMatchObject({ width: 320, height: 180, fps: 24, frames: 168, pixFmt: 'yuv420p' });
    expect(result.usage).toEqual({
      provider: 'replicate',
      model: 'kwaivgi/kling-v2.5-turbo-pro',
      seconds: 10,
      calls: 1,
      costUsd: 0.7,
    });
  });

  it('ends on the signed webhook, relayed through Redis from the API to the worker, without polling', async () => {
    // API side: a receiver that verifies and relays, as the lead's controller will
    const relay = new ReplicateWebhookRelay(prefix);
    const verdicts: string[] = [];
    const receiver: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        try {
          const { prediction } = acceptReplicateWebhook(secret, req.headers, raw);
          verdicts.push(`ok ${req.url}`);
          void relay.publish(redis, prediction).then(() => res.writeHead(204).end());
        } catch {
          verdicts.push('rejected');
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => receiver.close(() => resolve())));
    // worker side: its own subscriber connection feeds the waiter
    const subscriber = new Redis(TEST_REDIS_URL);
    const waiter = new ReplicateWebhookWaiter();
    const detach = await relay.attach(subscriber, waiter);
    cleanups.push(async () => {
      await detach();
      subscriber.disconnect();
    });

    const publicBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const { generators, config, registry } = build(
      { REPLICATE_WEBHOOK_SECRET: secret, PUBLIC_BASE_URL: publicBase },
      waiter,
    );
    expect(describeProviders(registry, config).replicate).toEqual({ keys: TOKENS.map(fingerprint), webhooks: true });
    const started = Date.now();
    await generators.video.generate(request({ durationSec: 4 }));
    expect(Date.now() - started).toBeLessThan(5_000);

    const [prediction] = fake.predictions.values();
    expect(prediction.webhook).toBe(`${publicBase}${REPLICATE_WEBHOOK_PATH}`);
    expect(prediction.webhookEvents).toEqual(['completed']);
    expect(prediction.input.duration).toBe(5);
    expect(fake.requestsTo('GET', /^\/v1\/predictions\//)).toHaveLength(0);
    expect(verdicts).toEqual([`ok ${REPLICATE_WEBHOOK_PATH}`]);

    // a forged delivery is refused
    const forged = await fetch(`${publicBase}${REPLICATE_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: {
        'webhook-id': 'msg_x',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAA',
      },
      body: JSON.stringify({ id: prediction.id, status: 'failed' }),
    });
    expect(forged.status).toBe(401);
  });

  it('rotates to another token through a 429 storm instead of sleeping out the Retry-After', async () => {
    const { generators } = build();
    fake.throttleToken(TOKENS[0], 100, 30);
    const started = Date.now();
    await generators.video.generate(request({ durationSec: 4 }));
    await generators.video.generate(request({ durationSec: 4 }));
    expect(Date.now() - started).toBeLessThan(10_000);
    const creates = fake.requestsTo('POST', /\/predictions$/);
    expect(creates.map(tokenOf)).toEqual([TOKENS[0], TOKENS[1], TOKENS[1]]);
    expect([...fake.predictions.values()].map((p) => p.token)).toEqual([TOKENS[1], TOKENS[1]]);
  });

  it('waits out Retry-After when every token is throttled, then goes on', async () => {
    const { generators } = build();
    fake.throttleToken(TOKENS[0], 1, 1);
    fake.throttleToken(TOKENS[1], 1, 1);
    const started = Date.now();
    await generators.video.generate(request({ durationSec: 4 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.createCount).toBe(1);
  });

  it('fails with PROVIDER.UNAUTHORIZED once every token is refused', async () => {
    const { generators } = build({ REPLICATE_API_TOKEN: 'r8_revoked_a,r8_revoked_b' });
    await expect(generators.video.generate(request())).rejects.toMatchObject({
      code: Errors.providerUnauthorized.code,
      retryable: false,
    });
    expect(fake.requestsTo('POST', /\/predictions$/).map(tokenOf)).toEqual(['r8_revoked_a', 'r8_revoked_b']);
  });

  it('resumes the same prediction with the token that made it, without a second create', async () => {
    const { generators } = build();
    const created = await fetch(`${fake.url}/v1/models/kwaivgi/kling-v2.5-turbo-pro/predictions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS[1]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: { prompt: 'left by a crashed attempt', duration: 5 } }),
    });
    const earlier = (await created.json()) as { id: string };
    const ref: ProviderJobRef = {
      provider: 'replicate',
      id: earlier.id,
      endpoint: `${fake.url}/v1#key=${fingerprint(TOKENS[1])}`,
      model: 'kwaivgi/kling-v2.5-turbo-pro',
      createdAt: new Date().toISOString(),
    };
    const result = await generators.video.generate(request({ durationSec: 4 }), { resume: ref });
    expect(fake.createCount).toBe(1);
    expect(fake.requestsTo('GET', /^\/v1\/predictions\//).every((r) => tokenOf(r) === TOKENS[1])).toBe(true);
    expect((await ffmpeg.probe(result.path)).video?.frames).toBe(96);
  });

  it('makes the prediction again when the resumed one succeeded but its output is already removed', async () => {
    const { generators } = build();
    const refs: ProviderJobRef[] = [];
    await generators.video.generate(request({ durationSec: 4 }), { onProviderJob: async (r) => void refs.push(r) });
    const [ref] = refs;
    fake.removeOutputs();
    await expect(generators.video.generate(request({ durationSec: 4 }), { resume: ref })).rejects.toMatchObject({
      code: Errors.providerBadOutput.code,
    });
    expect(fake.createCount).toBe(2);
  });

  it('cancels a running prediction', async () => {
    fake.setTiming({ processingMs: 10_000 });
    const { generators } = build();
    const controller = new AbortController();
    let recorded!: (ref: ProviderJobRef) => void;
    const created = new Promise<ProviderJobRef>((resolve) => (recorded = resolve));
    const running = generators.video.generate(request(), {
      signal: controller.signal,
      onProviderJob: async (r) => recorded(r),
    });
    const ref = await created;
    await generators.cancel(ref);
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.requestsTo('POST', /\/cancel$/).map((r) => r.path)).toEqual([`/v1/predictions/${ref.id}/cancel`]);
    expect(fake.predictions.get(ref.id)!.canceledAt).not.toBeNull();
  });

  it('names a failed prediction PROVIDER.FAILED and a missing or removed output PROVIDER.BAD_OUTPUT', async () => {
    const { generators } = build();
    fake.faults.inject({ kind: 'job-fails', message: 'E005 flagged' });
    await expect(generators.video.generate(request())).rejects.toMatchObject({
      code: Errors.providerFailed.code,
      message: expect.stringContaining('E005 flagged'),
    });
    fake.faults.inject({ kind: 'missing-output' });
    await expect(generators.video.generate(request())).rejects.toMatchObject({ code: Errors.providerBadOutput.code });
    fake.faults.inject({ kind: 'corrupt-content' }, { times: 100 });
    await expect(generators.video.generate(request())).rejects.toMatchObject({ code: Errors.providerBadOutput.code });
  });

  it('keeps each token under its concurrency limit across workers', async () => {
    const { generators } = build({ REPLICATE_API_TOKEN: TOKENS[0] });
    const second = new Redis(TEST_REDIS_URL);
    cleanups.push(async () => second.disconnect());
    const { registry, config } = build({ REPLICATE_API_TOKEN: TOKENS[0] });
    const other = createGenerators(registry, config, { redis: second, ffmpeg, embedded, tuning: fast });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? other : generators).video.generate(request({ durationSec: 4, scene: { ...scene, index: i } })),
      ),
    );
    expect(fake.createCount).toBe(10);
    expect(fake.maxConcurrent(TOKENS[0])).toBe(4);
  });

  it('makes a music bed of exactly the asked length from Stable Audio', async () => {
    const { generators } = build();
    const result = await generators.music.generate({ mood: 'bright, driving', durationSec: 6.5, seed: 3, workDir });
    const [prediction] = fake.predictions.values();
    expect(prediction.model).toBe('stability-ai/stable-audio-2.5');
    expect(prediction.input).toEqual({
      prompt: expect.stringContaining('bright, driving'),
      duration: 7,
      seed: 3,
      steps: 8,
      cfg_scale: 1,
    });
    const probe = await ffmpeg.probe(result.path);
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2 });
    expect(probe.durationSec).toBeCloseTo(6.5, 1);
    expect(result.usage).toMatchObject({ seconds: 7, calls: 1, costUsd: 0.2 });
  });

  describe('images from FLUX.1 [schnell] (profile image_flux)', () => {
    const FLUX = 'black-forest-labs/flux-schnell';
    const imageRequest = (overrides: Partial<ImageRequest> = {}): ImageRequest => ({
      prompt: 'a glass of water on a sunlit kitchen table',
      width: 640,
      height: 360,
      seed: 42,
      workDir,
      ...overrides,
    });
    const flux = (generators: ReturnType<typeof build>['generators']) =>
      generators.byProfile.get('image_flux') as ImageGenerator;

    it('makes a PNG of the asked size from the nearest aspect ratio, with the seed and the model', async () => {
      const { generators } = build();
      const refs: ProviderJobRef[] = [];
      const result = await flux(generators).generate(imageRequest(), {
        onProviderJob: async (ref) => void refs.push(ref),
      });

      expect(flux(generators).name).toBe(`replicate:${FLUX}`);
      const [prediction] = fake.predictions.values();
      expect(prediction.model).toBe(FLUX);
      expect(prediction.input).toEqual({
        prompt: 'a glass of water on a sunlit kitchen table',
        aspect_ratio: '16:9',
        num_outputs: 1,
        seed: 42,
        output_format: 'png',
        go_fast: false,
        num_inference_steps: 4,
      });
      expect(refs).toEqual([expect.objectContaining({ provider: 'replicate', id: prediction.id, model: FLUX })]);
      // the model's 1344x768 picture, fitted to exactly what was asked
      const probe = await ffmpeg.probe(result.path);
      expect(probe.video).toMatchObject({ codec: 'png', width: 640, height: 360 });
      const colour = await colourOf(result.path, workDir);
      expect(sameColour(colour, fluxColour('a glass of water on a sunlit kitchen table', 42))).toBe(true);
      expect(sameColour(colour, fluxColour('a glass of water on a sunlit kitchen table', 43))).toBe(false);
      expect(result.usage).toEqual({ provider: 'replicate', model: FLUX, seconds: 0, calls: 1, costUsd: 0.003 });
    });

    it('rides out a 429 storm on one token by creating on the other, once', async () => {
      const { generators } = build();
      fake.throttleToken(TOKENS[0], 100, 30);
      const started = Date.now();
      const result = await flux(generators).generate(imageRequest({ width: 512, height: 768, seed: 3 }));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(fake.requestsTo('POST', /\/predictions$/).map(tokenOf)).toEqual([TOKENS[0], TOKENS[1]]);
      expect(fake.createCount).toBe(1);
      expect([...fake.predictions.values()][0].input.aspect_ratio).toBe('2:3');
      expect((await ffmpeg.probe(result.path)).video).toMatchObject({ width: 512, height: 768 });
    });

    it('resumes the prediction an earlier attempt made, without a second create', async () => {
      const { generators } = build();
      const created = await fetch(`${fake.url}/v1/models/${FLUX}/predictions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKENS[1]}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          input: { prompt: 'left by a crashed worker', aspect_ratio: '1:1', seed: 8, output_format: 'png' },
        }),
      });
      expect(created.status).toBe(201);
      const earlier = (await created.json()) as { id: string };
      const ref: ProviderJobRef = {
        provider: 'replicate',
        id: earlier.id,
        endpoint: `${fake.url}/v1#key=${fingerprint(TOKENS[1])}`,
        model: FLUX,
        createdAt: new Date().toISOString(),
      };
      const result = await flux(generators).generate(imageRequest({ width: 256, height: 256, seed: 8 }), {
        resume: ref,
      });
      expect(fake.createCount).toBe(1);
      expect(sameColour(await colourOf(result.path, workDir), fluxColour('left by a crashed worker', 8))).toBe(true);
      expect((await ffmpeg.probe(result.path)).video).toMatchObject({ width: 256, height: 256 });
    });
  });

  it('checks each token against the account endpoint', async () => {
    const { registry, config } = build({ REPLICATE_API_TOKEN: `${TOKENS[0]},r8_revoked` });
    const health = await checkProviders(registry, config);
    expect(health.status).toBe('degraded');
    expect(health.checks).toEqual([
      expect.objectContaining({ provider: 'replicate', target: `key:${fingerprint(TOKENS[0])}`, ok: true }),
      expect.objectContaining({ provider: 'replicate', target: `key:${fingerprint('r8_revoked')}`, ok: false }),
    ]);
    expect(JSON.stringify(health)).not.toContain('r8_revoked');
  });
});
