import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { loadConfig } from '@app/config';
import { type OutputSpec, type StoryboardScene, Errors } from '@app/domain';
import { FfmpegRunner } from '@app/media';
import { deleteRedisPrefix, FakeVllmOmniServer, TEST_REDIS_URL } from '@app/testing';
import { type ProviderIntent, type ProviderJobRef, type VideoGenerator, type VideoRequest } from '../generation.ports';
import { loadModelRegistry } from '../registry/model-registry.loader';
import { type AdapterTuning } from '../provider-kit/adapter-tuning';
import { checkProviders, describeProviders } from '../provider-kit/provider-health.service';
import { createGenerators, type Generators } from '../generators.factory';

const ffmpeg = new FfmpegRunner({ logger: { log: () => undefined, error: () => undefined } });
const spec: OutputSpec = { width: 320, height: 180, fps: 24, pixelFormat: 'yuv420p', videoCodec: 'h264' };
const fast: Partial<AdapterTuning> = {
  poll: { initialMs: 20, maxMs: 80, factor: 1.5 },
  retry: { attempts: 8, baseMs: 10, maxMs: 80, maxRetryAfterMs: 500 },
  requestTimeoutMs: 600,
  downloadTimeoutMs: 5_000,
  leaseMs: 2_000,
  slotPollMs: 15,
  orphanMinAgeMs: 0,
};
const embedded = {
  video: { name: 'animatic', real: false, generate: () => Promise.reject(new Error('embedded video not expected')) },
  music: { name: 'synth', generate: () => Promise.reject(new Error('embedded music not expected')) },
};

function scene(index = 0): StoryboardScene {
  return {
    index,
    beat: 'hook',
    durationSec: 3,
    visualPrompt: 'A runner laces a bright sneaker at dawn, wide 24mm lens',
    cameraMove: 'push-in',
    onScreenText: '',
    transitionIn: 'cut',
    palette: ['#112233', '#445566'],
  };
}

describe(`${createGenerators.name} on vLLM-Omni`, () => {
  let servers: FakeVllmOmniServer[] = [];
  let redis: Redis;
  let prefix: string;
  let workDir: string;

  async function setup(options: { servers?: number; models?: unknown; queuedMs?: number; runMs?: number } = {}) {
    servers = await Promise.all(
      Array.from({ length: options.servers ?? 1 }, () =>
        FakeVllmOmniServer.start({ ffmpeg, queuedMs: options.queuedMs ?? 20, runMs: options.runMs ?? 120 }),
      ),
    );
    let modelsFile: string | undefined;
    if (options.models) {
      modelsFile = join(workDir, 'models.json');
      await writeFile(modelsFile, JSON.stringify(options.models));
    }
    const config = loadConfig({
      VLLM_OMNI_BASE_URL: servers.map((s) => s.url).join(','),
      QUEUE_PREFIX: prefix,
      REDIS_URL: TEST_REDIS_URL,
      ...(modelsFile ? { MODELS_FILE: modelsFile } : {}),
    });
    const registry = loadModelRegistry(config);
    const generators = createGenerators(registry, config, { redis, ffmpeg, embedded, tuning: fast });
    return { config, registry, generators };
  }

  function request(overrides: Partial<VideoRequest> = {}): VideoRequest {
    return { scene: scene(), spec, durationSec: 2.5, seedFramePath: null, seed: 42, workDir, ...overrides };
  }

  beforeEach(async () => {
    prefix = `rs-test-${randomBytes(6).toString('hex')}`;
    redis = new Redis(TEST_REDIS_URL);
    workDir = await mkdtemp(join(tmpdir(), 'vllm-omni-it-'));
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
    redis.disconnect();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    await rm(workDir, { recursive: true, force: true });
  });

  it('creates, records the job before polling, downloads and normalises to the exact spec', async () => {
    const { generators } = await setup();
    const [server] = servers;
    const refs: { ref: ProviderJobRef; getsBefore: number }[] = [];
    const progress: number[] = [];
    const result = await generators.video.generate(request(), {
      onProviderJob: async (ref) => {
        refs.push({ ref, getsBefore: server.requestsTo('GET', /^\/v1\/videos\//).length });
      },
      onProgress: (f) => progress.push(f),
    });

    expect(generators.video.real).toBe(true);
    expect(server.createCount).toBe(1);
    expect(refs).toEqual([
      { ref: expect.objectContaining({ provider: 'vllm-omni', endpoint: server.url }), getsBefore: 0 },
    ]);
    const [create] = server.requestsTo('POST', /^\/v1\/videos$/);
    expect(create.fields).toEqual({
      prompt: scene().visualPrompt,
      model: 'Wan-AI/Wan2.2-TI2V-5B-Diffusers',
      width: '320',
      height: '160',
      num_frames: '61',
      fps: '24',
      seed: '42',
      negative_prompt: expect.any(String),
      num_inference_steps: '50',
      guidance_scale: '5',
      flow_shift: '5',
    });
    expect(create.files).toEqual({});

    const probe = await ffmpeg.probe(result.path);
    expect(probe.video).toMatchObject({
      codec: 'h264',
      width: 320,
      height: 180,
      fps: 24,
      pixFmt: 'yuv420p',
      frames: 60,
    });
    expect(probe.durationSec).toBeCloseTo(2.5, 1);
    expect(probe.audio).toBeNull();
    expect(result.usage).toEqual({
      provider: 'vllm-omni',
      model: 'Wan-AI/Wan2.2-TI2V-5B-Diffusers',
      seconds: 61 / 24,
      calls: 1,
      costUsd: 0,
    });
    expect(progress[progress.length - 1]).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    // the server's copy stays until ours is stored, then the caller releases it
    expect(server.requestsTo('DELETE', /^\/v1\/videos\//)).toHaveLength(0);
    await generators.release(refs[0].ref);
    expect(server.jobs.get(refs[0].ref.id)!.deletedAt).not.toBeNull();
    await generators.release(refs[0].ref); // a job already gone is released
  });

  it('sends the seed frame as input_reference', async () => {
    const { generators } = await setup();
    const seedFramePath = join(workDir, 'seed.png');
    await writeFile(seedFramePath, servers[0].sample.png);
    await generators.video.generate(request({ seedFramePath }));
    const job = [...servers[0].jobs.values()][0];
    expect(job.inputReference).toMatchObject({
      filename: 'seed.png',
      type: 'image/png',
      size: servers[0].sample.png.length,
    });
    expect(servers[0].requestsTo('POST', /^\/v1\/videos$/)[0].files!.input_reference.sha256).toBe(
      job.inputReference!.sha256,
    );
  });

  it('resumes the earlier attempt’s job without creating another', async () => {
    const { generators } = await setup();
    const [server] = servers;
    const form = new FormData();
    form.append('prompt', 'made by an attempt that crashed');
    const earlier = (await (await fetch(`${server.url}/v1/videos`, { method: 'POST', body: form })).json()) as {
      id: string;
    };
    const ref: ProviderJobRef = {
      provider: 'vllm-omni',
      id: earlier.id,
      endpoint: server.url,
      model: server.model,
      createdAt: new Date().toISOString(),
    };
    const onProviderJob = jest.fn();
    const result = await generators.video.generate(request(), { resume: ref, onProviderJob });
    expect(server.createCount).toBe(1);
    expect(onProviderJob).not.toHaveBeenCalled();
    expect(server.requestsTo('GET', new RegExp(`^/v1/videos/${earlier.id}$`)).length).toBeGreaterThan(0);
    expect((await ffmpeg.probe(result.path)).video?.frames).toBe(60);
  });

  /** Claims as the worker's Redis claims behave: one owner per provider job. */
  function claimsHeldBy(held = new Map<string, string>()) {
    return {
      held,
      as: (owner: string) => async (ref: ProviderJobRef) =>
        (held.get(ref.id) ?? held.set(ref.id, owner).get(ref.id)) === owner,
    };
  }

  /**
   * An attempt that dies between the provider's answer and its record of the job: its intent was
   * recorded, its create reached the server, and nothing else (no record, no cancel).
   */
  async function crashAfterCreate(generators: Generators): Promise<{ intent: ProviderIntent; jobId: string }> {
    let intent: ProviderIntent | undefined;
    let made: ProviderJobRef | undefined;
    await expect(
      generators.video.generate(request(), {
        onProviderIntent: async (i) => void (intent = i),
        // the process is gone before it can claim or record what it made
        claimProviderJob: async (ref) => ((made = ref), false),
        onProviderJob: () => Promise.reject(new Error('never reached')),
      }),
    ).rejects.toMatchObject({ code: Errors.providerFailed.code });
    return { intent: intent!, jobId: made!.id };
  }

  it('adopts the job a crashed attempt created but never recorded, instead of paying for another', async () => {
    const { generators } = await setup();
    const [server] = servers;
    const { intent, jobId } = await crashAfterCreate(generators);
    expect(intent).toEqual(
      expect.objectContaining({ provider: 'vllm-omni', endpoint: server.url, model: server.model }),
    );
    // another scene's job with another prompt, made at the same moment, is not taken for it
    const other = new FormData();
    other.append('prompt', 'another scene');
    other.append('model', server.model);
    await fetch(`${server.url}/v1/videos`, { method: 'POST', body: other });

    const recorded: ProviderJobRef[] = [];
    const result = await generators.video.generate(request(), {
      resumeIntent: intent,
      claimProviderJob: claimsHeldBy().as('restarted'),
      onProviderJob: async (ref) => void recorded.push(ref),
    });
    expect(server.createCount).toBe(2);
    expect(recorded.map((r) => r.id)).toEqual([jobId]);
    expect(server.requestsTo('GET', /^\/v1\/videos$/).length).toBeGreaterThan(0);
    expect((await ffmpeg.probe(result.path)).video?.frames).toBe(60);
  });

  it('creates anew when another generation holds the unrecorded job', async () => {
    const { generators } = await setup();
    const [server] = servers;
    const { intent, jobId } = await crashAfterCreate(generators);
    const claims = claimsHeldBy(new Map([[jobId, 'another scene with the same prompt']]));
    const recorded: ProviderJobRef[] = [];
    await generators.video.generate(request(), {
      resumeIntent: intent,
      claimProviderJob: claims.as('restarted'),
      onProviderJob: async (ref) => void recorded.push(ref),
    });
    expect(server.createCount).toBe(2);
    expect(recorded).toHaveLength(1);
    expect(recorded[0].id).not.toBe(jobId);
    expect(claims.held.get(recorded[0].id)).toBe('restarted');
  });

  it('makes the job again when the resumed one is gone from the server', async () => {
    const { generators } = await setup();
    const ref: ProviderJobRef = {
      provider: 'vllm-omni',
      id: 'video_gen_lost',
      endpoint: servers[0].url,
      model: servers[0].model,
      createdAt: new Date().toISOString(),
    };
    const onProviderJob = jest.fn();
    await generators.video.generate(request(), { resume: ref, onProviderJob });
    expect(servers[0].createCount).toBe(1);
    expect(onProviderJob).toHaveBeenCalledWith(expect.objectContaining({ id: [...servers[0].jobs.keys()][0] }));
  });

  it('cancels with DELETE on the job’s own server', async () => {
    const { generators } = await setup({ servers: 2, runMs: 5_000 });
    const controller = new AbortController();
    let recorded!: (ref: ProviderJobRef) => void;
    const created = new Promise<ProviderJobRef>((resolve) => (recorded = resolve));
    const running = generators.video.generate(request(), {
      signal: controller.signal,
      onProviderJob: async (r) => recorded(r),
    });
    const ref = await created;
    const owner = servers.find((s) => s.url === ref.endpoint)!;
    await generators.cancel(ref);
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(owner.requestsTo('DELETE', /^\/v1\/videos\//).map((r) => r.path)).toEqual([`/v1/videos/${ref.id}`]);
    expect(owner.jobs.get(ref.id)!.deletedAt).not.toBeNull();
    await (generators.video as Required<VideoGenerator>).cancel(ref); // already gone: still fine
  });

  it('spreads jobs over several servers and polls a resumed job where it lives', async () => {
    const { generators } = await setup({ servers: 2 });
    await Promise.all([0, 1, 2, 3].map((i) => generators.video.generate(request({ scene: scene(i), workDir }))));
    // both servers take work (the exact split depends on which frees first)
    expect(servers.map((s) => s.createCount).every((n) => n >= 1)).toBe(true);
    expect(servers[0].createCount + servers[1].createCount).toBe(4);
    expect(servers.map((s) => s.maxConcurrentJobs)).toEqual([1, 1]);

    // a job an earlier attempt left on the second server (the finished ones above were deleted after download)
    const [, second] = servers;
    const form = new FormData();
    form.append('prompt', 'left by a crashed attempt');
    const job = (await (await fetch(`${second.url}/v1/videos`, { method: 'POST', body: form })).json()) as {
      id: string;
    };
    const before = servers[0].requests.length;
    await generators.video.generate(request(), {
      resume: { provider: 'vllm-omni', id: job.id, endpoint: second.url, model: second.model, createdAt: '' },
    });
    expect(servers[0].requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('fails at once with PROVIDER.REJECTED on a 4xx, and PROVIDER.FAILED when the job fails', async () => {
    const { generators } = await setup();
    const [server] = servers;
    server.faults.inject(
      { kind: 'status', status: 422, message: 'prompt too long' },
      { match: (t) => t.method === 'POST' },
    );
    await expect(generators.video.generate(request())).rejects.toMatchObject({
      code: Errors.providerRejected.code,
      retryable: false,
    });
    expect(server.requestsTo('POST', /^\/v1\/videos$/)).toHaveLength(1);

    server.faults.inject({ kind: 'job-fails', message: 'engine crashed' });
    await expect(generators.video.generate(request())).rejects.toMatchObject({
      code: Errors.providerFailed.code,
      message: expect.stringContaining('engine crashed'),
    });

    // vLLM-Omni's out-of-memory failure is its own retryable code.
    server.faults.inject({ kind: 'job-fails', message: 'torch.OutOfMemoryError: CUDA out of memory' });
    await expect(generators.video.generate(request())).rejects.toMatchObject({
      code: Errors.providerOutOfMemory.code,
      retryable: true,
    });
  });

  it('does not send a create again after a 500 (the job may exist), but does after 429 and 503', async () => {
    const { generators } = await setup();
    const [server] = servers;
    server.faults.inject({ kind: 'status', status: 429, retryAfterSec: 0 }, { match: (t) => t.method === 'POST' });
    server.faults.inject({ kind: 'status', status: 503 }, { match: (t) => t.method === 'POST' });
    await generators.video.generate(request());
    expect(server.requestsTo('POST', /^\/v1\/videos$/)).toHaveLength(3);

    server.faults.inject({ kind: 'status', status: 500 }, { match: (t) => t.method === 'POST' });
    await expect(generators.video.generate(request())).rejects.toMatchObject({ code: Errors.providerUnavailable.code });
    expect(server.requestsTo('POST', /^\/v1\/videos$/)).toHaveLength(4);
  });

  it('refuses a scene longer than the model can stretch, before paying for anything', async () => {
    const { generators } = await setup();
    await expect(generators.video.generate(request({ durationSec: 9 }))).rejects.toMatchObject({
      code: Errors.providerLimitExceeded.code,
    });
    expect(servers[0].requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('completes 20 generations from two workers through a 30% fault rate within the concurrency limit', async () => {
    const models = {
      profiles: {
        video_default: {
          kind: 'video',
          provider: 'vllm-omni',
          model: 'Wan-AI/Wan2.2-TI2V-5B-Diffusers',
          maxWidth: 1280,
          maxHeight: 704,
          sizeQuantum: 32,
          maxFrames: 121,
          framesQuantum: 4,
          fps: 24,
          acceptsFirstFrame: true,
          concurrency: 2,
          requestsPerSecond: 200,
        },
      },
    };
    const { generators, registry, config } = await setup({ models, runMs: 80 });
    const [server] = servers;
    const second = new Redis(TEST_REDIS_URL);
    try {
      const other: Generators = createGenerators(registry, config, { redis: second, ffmpeg, embedded, tuning: fast });
      server.faults.setRandom({
        rate: 0.3,
        seed: 20240611,
        faults: [
          { kind: 'status', status: 429, retryAfterSec: 0 },
          { kind: 'status', status: 503 },
          { kind: 'status', status: 500 },
          { kind: 'hang' },
          { kind: 'bad-json' },
          { kind: 'corrupt-content' },
        ],
        // a create that fails with 500, a hang or a garbled answer may have made the job: that one goes to the queue's retry
        match: (t) => t.method !== 'POST',
      });
      server.faults.inject(
        { kind: 'status', status: 429, retryAfterSec: 0 },
        { times: 3, match: (t) => t.method === 'POST' },
      );
      server.faults.inject({ kind: 'status', status: 503 }, { times: 3, match: (t) => t.method === 'POST' });

      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : generators).video.generate(request({ scene: scene(i), workDir: join(workDir) })),
        ),
      );
      expect(results).toHaveLength(20);
      expect(server.createCount).toBe(20);
      expect(server.maxConcurrentJobs).toBeLessThanOrEqual(2);
      expect(server.maxConcurrentJobs).toBe(2);
      expect(server.faults.injected.length).toBeGreaterThan(10);
      const probe = await ffmpeg.probe(results[19].path);
      expect(probe.video).toMatchObject({ width: 320, height: 180, frames: 60 });
    } finally {
      second.disconnect();
    }
  });

  it('makes keyframes and voiceover through the image and speech endpoints', async () => {
    const { generators } = await setup();
    const image = await generators.image!.generate({
      prompt: 'a sneaker on white',
      width: 300,
      height: 200,
      seed: 1,
      workDir,
    });
    expect((await ffmpeg.probe(image.path)).video).toMatchObject({ width: 300, height: 200 });
    const [imageCall] = servers[0].requestsTo('POST', /^\/v1\/images\/generations$/);
    expect(imageCall.json).toMatchObject({
      size: '288x192',
      n: 1,
      response_format: 'b64_json',
      seed: 1,
      num_inference_steps: 9,
    });

    const speech = await generators.speech!.generate({ text: 'Run further.', workDir });
    expect((await ffmpeg.probe(speech.path)).audio).not.toBeNull();
    expect(speech.usage?.seconds).toBeCloseTo(4, 0);
    expect(servers[0].requestsTo('POST', /^\/v1\/audio\/speech$/)[0].json).toEqual({
      input: 'Run further.',
      model: 'Qwen/Qwen3-TTS-12Hz-1.7B-CustomVoice',
      voice: 'vivian',
      response_format: 'wav',
    });
  });

  it('edits a picture with its mask through /v1/images/edits (inpaint and image-to-image of single assets)', async () => {
    const { generators } = await setup();
    const first = await generators.image!.generate({
      prompt: 'a sneaker on white',
      width: 320,
      height: 192,
      seed: 1,
      workDir,
    });
    const picture = join(workDir, 'picture.png');
    await writeFile(picture, await readFile(first.path));
    const edited = await generators.image!.edit!({
      prompt: 'a red sneaker',
      imagePath: picture,
      maskPath: picture,
      width: 320,
      height: 192,
      seed: 3,
      workDir,
    });
    expect((await ffmpeg.probe(edited.path)).video).toMatchObject({ width: 320, height: 192 });
    const [call] = servers[0].requestsTo('POST', /^\/v1\/images\/edits$/);
    expect(call.fields).toMatchObject({
      prompt: 'a red sneaker',
      size: '320x192',
      seed: '3',
      response_format: 'b64_json',
    });
    expect(call.files).toMatchObject({ image: { type: 'image/png' }, mask: { type: 'image/png' } });
  });

  it('reports each server’s reachability and whether it runs the profile’s model', async () => {
    const { registry, config } = await setup({ servers: 2 });
    expect(describeProviders(registry, config)).toMatchObject({
      defaultVideoProfile: 'video_default',
      realVideo: true,
      replicate: null,
    });
    const healthy = await checkProviders(registry, config);
    // one fake runs the video model only, so the image and speech profiles have no server for theirs
    expect(healthy.checks.map((c) => c.ok)).toEqual([true, true]);
    expect(healthy.profiles.find((p) => p.name === 'video_default')).toEqual({ name: 'video_default', ok: true });
    expect(healthy.profiles.find((p) => p.name === 'image_default')).toMatchObject({ ok: false });
    await servers[1].close();
    servers = servers.slice(0, 1);
    const degraded = await checkProviders(registry, config, { timeoutMs: 500 });
    expect(degraded.checks.map((c) => c.ok)).toEqual([true, false]);
    expect(degraded.profiles.find((p) => p.name === 'video_default')!.ok).toBe(true);
  });
});
