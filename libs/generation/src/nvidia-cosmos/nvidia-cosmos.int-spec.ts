import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { loadConfig } from '@app/config';
import { Errors, type OutputSpec, type StoryboardScene } from '@app/domain';
import { FfmpegRunner } from '@app/media';
import {
  deleteRedisPrefix,
  FakeNvidiaCosmosServer,
  type FakeNvidiaCosmosOptions,
  sha256,
  spawnTsChild,
  TEST_REDIS_URL,
  VIDEO_GENERATION_CHILD,
  type VideoGenerationChildSpec,
} from '@app/testing';
import { type ProviderJobRef, type VideoRequest } from '../generation.ports';
import { createGenerators } from '../generators.factory';
import { type AdapterTuning } from '../provider-kit/adapter-tuning';
import { checkProviders, describeProviders } from '../provider-kit/provider-health.service';
import { COSMOS_PROFILE, loadModelRegistry } from '../registry/model-registry.loader';
import { fingerprint } from '../throughput/key-ring.service';

const ffmpeg = new FfmpegRunner({ logger: { log: () => undefined, error: () => undefined } });
const spec: OutputSpec = { width: 320, height: 180, fps: 24, pixelFormat: 'yuv420p', videoCodec: 'h264' };
const fast: Partial<AdapterTuning> = {
  poll: { initialMs: 20, maxMs: 80, factor: 1.5 },
  retry: { attempts: 6, baseMs: 10, maxMs: 80, maxRetryAfterMs: 2_000 },
  // under 3 s the client asks NVCF not to hold a call (NVCF-POLL-SECONDS), so every answer is immediate
  requestTimeoutMs: 2_900,
  downloadTimeoutMs: 10_000,
  leaseMs: 2_000,
  slotPollMs: 15,
};
const refuse = () => Promise.reject(new Error('embedded generators are not used here'));
const embedded = {
  video: { name: 'animatic', real: false, generate: refuse },
  music: { name: 'synth', generate: refuse },
};
const KEYS = ['nvapi-key-one', 'nvapi-key-two', 'nvapi-key-three'];
const scene: StoryboardScene = {
  index: 1,
  beat: 'product',
  durationSec: 4.5,
  visualPrompt: 'A sneaker turns on a plinth, 85mm lens, clean key light',
  cameraMove: 'static',
  onScreenText: '',
  transitionIn: 'cut',
  palette: ['#101010', '#f0f0f0'],
};
/** The catalogue's Cosmos as the registry serves it, at a test rate and with a price to account. */
const models = {
  profiles: {
    video_default: { kind: 'video', provider: 'embedded', model: 'animatic', fps: 24, acceptsFirstFrame: true },
    video_cosmos: { ...COSMOS_PROFILE, requestsPerSecond: 200, price: { perCallUsd: 0.5 } },
  },
};

describe('NvidiaCosmosVideoGenerator on the local NVIDIA server', () => {
  let fake: FakeNvidiaCosmosServer;
  let redis: Redis;
  let prefix: string;
  let workDir: string;
  let modelsFile: string;

  const startFake = (options: Partial<FakeNvidiaCosmosOptions> = {}) =>
    FakeNvidiaCosmosServer.start({ keys: KEYS, ffmpeg, processingMs: 250, ...options });

  function env(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      NVIDIA_API_KEY: KEYS.join(','),
      NVIDIA_BASE_URL: fake.url,
      NVCF_BASE_URL: fake.url,
      MODELS_FILE: modelsFile,
      QUEUE_PREFIX: prefix,
      REDIS_URL: TEST_REDIS_URL,
      ...overrides,
    };
  }

  function build(overrides: NodeJS.ProcessEnv = {}, tuning: Partial<AdapterTuning> = fast) {
    const config = loadConfig(env(overrides));
    const registry = loadModelRegistry(config);
    const generators = createGenerators(registry, config, { redis, ffmpeg, embedded, tuning });
    return { config, registry, cosmos: generators.videoFor('video_cosmos'), generators };
  }

  function request(overrides: Partial<VideoRequest> = {}): VideoRequest {
    return { scene, spec, durationSec: 4.5, seedFramePath: null, seed: 9, workDir, ...overrides };
  }

  const keyOf = (r: { headers: Record<string, unknown> }) => String(r.headers.authorization).replace('Bearer ', '');
  const invokes = () => fake.requestsTo('POST', /^\/v1\/cosmos\//);
  const statusPolls = () => fake.requestsTo('GET', /^\/v2\/nvcf\/pexec\/status\//);

  async function still(name: string, source: string): Promise<string> {
    const path = join(workDir, name);
    await ffmpeg.run({
      inputs: [{ path: source, options: ['-f', 'lavfi'] }],
      outputs: [{ path, options: ['-frames:v', '1', '-update', '1'] }],
    });
    return path;
  }

  /** The mean colour of a clip's first frame. */
  async function firstFrameColour(clip: string): Promise<number[]> {
    const out = join(workDir, `${randomBytes(4).toString('hex')}.rgb`);
    await ffmpeg.run({
      inputs: [{ path: clip, options: [] }],
      outputs: [{ path: out, options: ['-frames:v', '1', '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24'] }],
    });
    return [...(await readFile(out))];
  }

  beforeEach(async () => {
    prefix = `rs-test-${randomBytes(6).toString('hex')}`;
    redis = new Redis(TEST_REDIS_URL);
    workDir = await mkdtemp(join(tmpdir(), 'cosmos-it-'));
    modelsFile = join(workDir, 'models.json');
    await writeFile(modelsFile, JSON.stringify(models));
    fake = await startFake();
  });

  afterEach(async () => {
    await fake.close();
    redis.disconnect();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    await rm(workDir, { recursive: true, force: true });
  });

  it('submits Text2World, records the request before polling, downloads and normalises an exact clip', async () => {
    const { cosmos } = build();
    const recorded: { ref: ProviderJobRef; polls: number }[] = [];
    const progress: number[] = [];
    const result = await cosmos.generate(request(), {
      onProviderJob: async (ref) => void recorded.push({ ref, polls: statusPolls().length }),
      onProgress: (f) => progress.push(f),
    });

    expect(cosmos.name).toBe('nvidia-cosmos:nvidia/cosmos-predict1-7b');
    const [sent] = invokes();
    expect(sent.path).toBe('/v1/cosmos/nvidia/cosmos-predict1-7b');
    expect(sent.json).toEqual({
      prompt: scene.visualPrompt,
      seed: 9,
      video_params: { height: 704, width: 1280, frames_count: 121, frames_per_sec: 24 },
    });
    const [invocation] = fake.invocations.values();
    expect(recorded).toEqual([
      {
        ref: expect.objectContaining({
          provider: 'nvidia-cosmos',
          id: invocation.id,
          endpoint: `${fake.url}/v2/nvcf/pexec/status#key=${fingerprint(invocation.key)}`,
          model: 'nvidia/cosmos-predict1-7b',
        }),
        polls: 0,
      },
    ]);
    expect(JSON.stringify(recorded)).not.toContain('nvapi-');
    expect(statusPolls().length).toBeGreaterThanOrEqual(1);
    expect(statusPolls().every((r) => keyOf(r) === invocation.key)).toBe(true);

    const probe = await ffmpeg.probe(result.path);
    expect(probe.video).toMatchObject({ width: 320, height: 180, fps: 24, frames: 108, pixFmt: 'yuv420p' });
    expect(probe.durationSec).toBeCloseTo(4.5, 1);
    expect(result.usage).toEqual({
      provider: 'nvidia-cosmos',
      model: 'nvidia/cosmos-predict1-7b',
      seconds: 5,
      calls: 1,
      costUsd: 0.5,
    });
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('takes the result from the invocation itself when it ends within the NVCF-POLL-SECONDS allowed', async () => {
    fake.setProcessingMs(100);
    const { cosmos } = build({}, { ...fast, requestTimeoutMs: 6_000 });
    const recorded: ProviderJobRef[] = [];
    const result = await cosmos.generate(request(), { onProviderJob: async (ref) => void recorded.push(ref) });
    expect(invokes()[0].headers['nvcf-poll-seconds']).toBe('2');
    expect(statusPolls()).toHaveLength(0);
    expect(recorded.map((r) => r.id)).toEqual([...fake.invocations.keys()]);
    expect((await ffmpeg.probe(result.path)).video?.frames).toBe(108);
  });

  it('carries the seed frame inline when small and as an NVCF asset when large; the clip opens on it', async () => {
    const { cosmos } = build();
    const small = await still('seed.png', 'color=c=0xcc3322:s=320x180:d=1');
    const inline = await cosmos.generate(request({ seedFramePath: small }));
    const [first] = fake.invocations.values();
    expect(first.input).toEqual({
      field: 'image',
      via: 'inline',
      type: 'image/png',
      size: (await readFile(small)).length,
      sha256: sha256(await readFile(small)),
    });
    const colour = await firstFrameColour(inline.path);
    expect(colour.map((v, i) => Math.abs(v - [0xcc, 0x33, 0x22][i]) <= 16)).toEqual([true, true, true]);

    const large = await still('large.png', 'color=c=gray:s=1280x720,noise=alls=80:allf=u');
    expect((await readFile(large)).length).toBeGreaterThan(200_000);
    await cosmos.generate(request({ seedFramePath: large }));
    const second = [...fake.invocations.values()][1];
    expect(second.input).toMatchObject({ via: 'asset', type: 'image/png', sha256: sha256(await readFile(large)) });
    const assetId = /asset_id,(.+)$/.exec(String(second.body.image))![1];
    const sent = invokes()[1];
    expect(sent.headers['nvcf-input-asset-references']).toBe(assetId);
    expect(fake.requestsTo('PUT', /^\/s3\//).every((r) => r.headers.authorization === undefined)).toBe(true);
    // the request has ended: its input is not left at NVIDIA
    expect(fake.assets.get(assetId)).toMatchObject({ key: second.key, deleted: true });
  });

  it('rides out a 429 storm by rotating keys: every scene made once, no create sent twice, one request per key', async () => {
    const { cosmos } = build();
    fake.throttleKey(KEYS[0], 100, 30);
    fake.throttleKey(KEYS[1], 3, 1);
    const prompts = ['surf at dawn', 'a city at night', 'rain on glass', 'a desert road'];
    const results = await Promise.all(
      prompts.map((visualPrompt, index) =>
        cosmos.generate(request({ scene: { ...scene, index, visualPrompt }, durationSec: 3 })),
      ),
    );
    for (const result of results) expect((await ffmpeg.probe(result.path)).video?.frames).toBe(72);

    const accepted = [...fake.invocations.values()];
    expect(accepted.map((r) => r.body.prompt).sort()).toEqual([...prompts].sort());
    // the first key rests for its Retry-After (30 s): the others took all the work meanwhile
    expect(accepted.some((r) => r.key === KEYS[0])).toBe(false);
    const perKey = Object.fromEntries(KEYS.map((k) => [k, invokes().filter((r) => keyOf(r) === k).length]));
    const throttled = fake.faults.injected.filter((f) => f.fault.kind === 'status');
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    expect(perKey[KEYS[0]]).toBeGreaterThanOrEqual(1);
    expect(perKey[KEYS[0]]).toBe(throttled.filter((f) => f.target.token === KEYS[0]).length);
    expect(perKey[KEYS[1]] + perKey[KEYS[2]]).toBe(4 + throttled.filter((f) => f.target.token === KEYS[1]).length);
    // our semaphore kept each key to one request: NVIDIA never had to refuse a busy key
    expect(fake.busyRejections).toBe(0);
    for (const key of KEYS) expect(fake.maxConcurrent(key)).toBeLessThanOrEqual(1);
  });

  it('fails with PROVIDER.UNAUTHORIZED once every key is refused, after trying each once', async () => {
    const { cosmos } = build({ NVIDIA_API_KEY: 'nvapi-revoked-a,nvapi-revoked-b' });
    await expect(cosmos.generate(request())).rejects.toMatchObject({
      code: Errors.providerUnauthorized.code,
      retryable: false,
    });
    expect(invokes().map(keyOf)).toEqual(['nvapi-revoked-a', 'nvapi-revoked-b']);
    expect(fake.createCount).toBe(0);
  });

  it('tries a 5xx on status polling again and polls the same request to the end', async () => {
    const { cosmos } = build();
    fake.faults.inject(
      { kind: 'status', status: 502, message: 'Bad Gateway' },
      { times: 2, match: (t) => t.path.startsWith('/v2/nvcf/pexec/status/') },
    );
    fake.faults.inject(
      { kind: 'status', status: 500, message: 'Internal Server Error' },
      { times: 1, match: (t) => t.path.startsWith('/v2/nvcf/pexec/status/') },
    );
    const result = await cosmos.generate(request());
    expect(fake.faults.injected).toHaveLength(3);
    expect(fake.createCount).toBe(1);
    expect(invokes()).toHaveLength(1);
    expect((await ffmpeg.probe(result.path)).video?.frames).toBe(108);
  });

  it('sends a create again after a 503 (not taken) but never after a 500 (perhaps taken)', async () => {
    const { cosmos } = build({ NVIDIA_API_KEY: KEYS[1] });
    const onInvoke = (t: { method: string; path: string }) => t.method === 'POST' && t.path.startsWith('/v1/cosmos/');
    fake.faults.inject({ kind: 'status', status: 503 }, { times: 1, match: onInvoke });
    await cosmos.generate(request());
    expect(invokes()).toHaveLength(2);

    fake.faults.inject({ kind: 'status', status: 500 }, { times: 1, match: onInvoke });
    await expect(cosmos.generate(request())).rejects.toMatchObject({ code: Errors.providerUnavailable.code });
    expect(invokes()).toHaveLength(3);
    expect(fake.createCount).toBe(1);
  });

  it('resumes a request whose worker was SIGKILLed mid-generation, without a second create', async () => {
    fake.setProcessingMs(4_000);
    const childSpec: VideoGenerationChildSpec = {
      env: env(),
      profile: 'video_cosmos',
      request: request(),
      tuning: fast,
    };
    const child = spawnTsChild(VIDEO_GENERATION_CHILD, [JSON.stringify(childSpec)]);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    const ref = await new Promise<ProviderJobRef>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{"ref"'));
        if (line) resolve((JSON.parse(line) as { ref: ProviderJobRef }).ref);
      });
      void exited.then(() => reject(new Error(`the child ended before recording a request:\n${stderr}`)));
    });
    // the generation is running at NVIDIA, held by a process that is about to die
    expect(fake.invocations.get(ref.id)!.endsAt).toBeGreaterThan(Date.now());
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const { cosmos } = build();
    const again: ProviderJobRef[] = [];
    const result = await cosmos.generate(request(), {
      resume: ref,
      onProviderJob: async (r) => void again.push(r),
    });
    expect(again).toEqual([]);
    expect(fake.createCount).toBe(1);
    expect(invokes()).toHaveLength(1);
    expect(statusPolls().every((r) => keyOf(r) === fake.invocations.get(ref.id)!.key)).toBe(true);
    expect((await ffmpeg.probe(result.path)).video).toMatchObject({ width: 320, height: 180, frames: 108 });
  }, 120_000);

  it('fetches a large result from the ZIP NVCF redirects to, whichever way the function wrote it', async () => {
    for (const archiveContent of ['json', 'mp4'] as const) {
      await fake.close();
      fake = await startFake({ maxResponseBytes: 1_000, archiveContent, processingMs: 100 });
      const { cosmos } = build();
      const result = await cosmos.generate(request({ durationSec: 2 }));
      expect(fake.requestsTo('GET', /^\/results\/.+\.zip$/)).toHaveLength(1);
      expect((await ffmpeg.probe(result.path)).video).toMatchObject({ width: 320, height: 180, frames: 48 });
    }
  });

  it('names a refused request PROVIDER.FAILED and a result that is no video PROVIDER.BAD_OUTPUT', async () => {
    const { cosmos } = build();
    fake.faults.inject({ kind: 'job-fails', message: 'Guardrail blocked the prompt' });
    await expect(cosmos.generate(request())).rejects.toMatchObject({
      code: Errors.providerFailed.code,
      message: expect.stringContaining('Guardrail blocked the prompt'),
    });
    fake.faults.inject({ kind: 'corrupt-content' });
    await expect(cosmos.generate(request())).rejects.toMatchObject({ code: Errors.providerBadOutput.code });
  });

  it('stops polling when the step is aborted; NVCF has no cancel, so cancelling sends nothing', async () => {
    fake.setProcessingMs(10_000);
    const { cosmos, generators } = build();
    const controller = new AbortController();
    let recorded!: (ref: ProviderJobRef) => void;
    const created = new Promise<ProviderJobRef>((resolve) => (recorded = resolve));
    const running = cosmos.generate(request(), { signal: controller.signal, onProviderJob: async (r) => recorded(r) });
    const ref = await created;
    const notPolls = () => fake.requests.filter((r) => !r.path.startsWith('/v2/nvcf/pexec/status/')).length;
    const before = notPolls();
    await generators.cancel(ref);
    expect(notPolls()).toBe(before);
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    const polls = statusPolls().length;
    await new Promise((r) => setTimeout(r, 300));
    expect(statusPolls()).toHaveLength(polls);
  });

  it('lists the provider and its keys by fingerprint in health, and checks each key', async () => {
    const { registry, config } = build({ NVIDIA_API_KEY: `${KEYS[0]},nvapi-revoked` });
    expect(describeProviders(registry, config).nvidiaCosmos).toEqual({
      keys: [fingerprint(KEYS[0]), fingerprint('nvapi-revoked')],
      invoke: fake.url,
      status: fake.url,
    });
    expect(describeProviders(registry, config).profiles).toContainEqual(
      expect.objectContaining({
        name: 'video_cosmos',
        provider: 'nvidia-cosmos',
        real: true,
        endpoints: [fake.url, fake.url],
      }),
    );
    const health = await checkProviders(registry, config);
    expect(health.status).toBe('degraded');
    expect(health.checks).toEqual([
      expect.objectContaining({ provider: 'nvidia-cosmos', target: `key:${fingerprint(KEYS[0])}`, ok: true }),
      expect.objectContaining({ provider: 'nvidia-cosmos', target: `key:${fingerprint('nvapi-revoked')}`, ok: false }),
    ]);
    expect(JSON.stringify(health)).not.toContain('nvapi-');
  });
});
