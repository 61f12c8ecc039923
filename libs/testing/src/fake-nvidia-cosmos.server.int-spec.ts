import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeNvidiaCosmosServer } from './fake-nvidia-cosmos.server';
import { QUIET_FFMPEG, sha256 } from './fake-vllm-omni.server';

const KEY = 'nvapi-fake-one';
const OTHER = 'nvapi-fake-two';
const MODEL = '/v1/cosmos/nvidia/cosmos-predict1-7b';
const params = { height: 704, width: 1280, frames_count: 121, frames_per_sec: 24 };

describe(FakeNvidiaCosmosServer.name, () => {
  let fake: FakeNvidiaCosmosServer;
  let dir: string;
  let png: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fake-cosmos-spec-'));
    await QUIET_FFMPEG.run({
      inputs: [{ path: 'color=c=0x3366cc:s=64x36:d=1', options: ['-f', 'lavfi'] }],
      outputs: [{ path: join(dir, 'seed.png'), options: ['-frames:v', '1', '-update', '1'] }],
    });
    png = await readFile(join(dir, 'seed.png'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    fake = await FakeNvidiaCosmosServer.start({ keys: [KEY, OTHER], processingMs: 150 });
  });
  afterEach(() => fake.close());

  const call = (path: string, init: { method?: string; key?: string | null; body?: unknown; headers?: object } = {}) =>
    fetch(`${fake.url}${path}`, {
      method: init.method ?? 'POST',
      redirect: 'manual',
      headers: {
        ...(init.key === null ? {} : { authorization: `Bearer ${init.key ?? KEY}` }),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
  const probe = async (video: Buffer) => {
    const path = join(dir, `${sha256(video).slice(0, 8)}.mp4`);
    await writeFile(path, video);
    return QUIET_FFMPEG.probe(path);
  };

  it('answers 401 without a known key and 422 naming every bad field', async () => {
    expect((await call(MODEL, { key: 'nvapi-nope', body: {} })).status).toBe(401);
    const res = await call(MODEL, {
      body: { negative_prompt: 3, video_params: { ...params, width: 1920, frames_count: 97 }, image: 'nope', extra: 1 },
    });
    expect(res.status).toBe(422);
    const { detail } = (await res.json()) as { detail: { loc: string[]; msg: string }[] };
    expect(detail.map((d) => `${d.loc.join('.')}: ${d.msg}`)).toEqual(
      expect.arrayContaining([
        'body.extra: extra fields not permitted',
        'body.prompt: field required',
        'body.negative_prompt: str type expected',
        'body.video_params: resolution 1920x704 is not supported (1280x704)',
        'body.video_params.frames_count: frames_count 97 is not supported',
        expect.stringMatching(/^body.image: must be a data URL/),
      ]),
    );
    expect(fake.createCount).toBe(0);
  });

  it('accepts with 202 and NVCF-REQID, polls 202 with progress, then answers the real MP4', async () => {
    const res = await call(MODEL, { body: { prompt: 'a city street at dusk', seed: 4, video_params: params } });
    expect(res.status).toBe(202);
    const id = res.headers.get('nvcf-reqid')!;
    expect(fake.invocations.get(id)).toMatchObject({ key: KEY, model: 'nvidia/cosmos-predict1-7b', input: null });

    const pending = await call(`/v2/nvcf/pexec/status/${id}`, { method: 'GET' });
    expect(pending.status).toBe(202);
    expect(Number(pending.headers.get('nvcf-percent-complete'))).toBeGreaterThanOrEqual(0);
    expect((await call(`/v2/nvcf/pexec/status/${id}`, { method: 'GET', key: OTHER })).status).toBe(404);

    await new Promise((r) => setTimeout(r, 200));
    const done = await call(`/v2/nvcf/pexec/status/${id}`, { method: 'GET' });
    expect(done.status).toBe(200);
    const body = (await done.json()) as { b64_video: string; upsampled_prompt: string };
    expect(body.upsampled_prompt).toBe('a city street at dusk');
    const video = (await probe(Buffer.from(body.b64_video, 'base64'))).video;
    expect(video).toMatchObject({ width: 1280, height: 704, fps: 24, frames: 121 });
  });

  it('answers 200 at once within the NVCF-POLL-SECONDS the caller allows', async () => {
    const res = await call(MODEL, {
      body: { prompt: 'x', video_params: params },
      headers: { 'nvcf-poll-seconds': '2' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('nvcf-reqid')).toBeTruthy();
  });

  it('runs one request per key: a second is 429 while the first runs, another key is free', async () => {
    expect((await call(MODEL, { body: { prompt: 'a', video_params: params } })).status).toBe(202);
    const busy = await call(MODEL, { body: { prompt: 'b', video_params: params } });
    expect(busy.status).toBe(429);
    expect(((await busy.json()) as { title: string }).title).toBe('Too Many Requests');
    expect((await call(MODEL, { key: OTHER, body: { prompt: 'c', video_params: params } })).status).toBe(202);
    expect(fake.busyRejections).toBe(1);
    fake.throttleKey(OTHER, 1, 9);
    await new Promise((r) => setTimeout(r, 200));
    const storm = await call(MODEL, { key: OTHER, body: { prompt: 'd', video_params: params } });
    expect([storm.status, storm.headers.get('retry-after')]).toEqual([429, '9']);
    expect(fake.maxConcurrent(KEY)).toBe(1);
  });

  it('takes a seed image inline or as an uploaded asset named in NVCF-INPUT-ASSET-REFERENCES, and starts on it', async () => {
    const inline = await call(MODEL, {
      body: { prompt: 'x', video_params: params, image: `data:image/png;base64,${png.toString('base64')}` },
    });
    expect(inline.status).toBe(202);
    expect(fake.invocations.get(inline.headers.get('nvcf-reqid')!)!.input).toEqual({
      field: 'image',
      via: 'inline',
      type: 'image/png',
      size: png.length,
      sha256: sha256(png),
    });

    const created = (await (
      await call('/v2/nvcf/assets', { key: OTHER, body: { contentType: 'image/png', description: 'seed' } })
    ).json()) as { assetId: string; uploadUrl: string };
    const put = (headers: Record<string, string>) => fetch(created.uploadUrl, { method: 'PUT', headers, body: png });
    expect((await put({ 'content-type': 'image/png', authorization: `Bearer ${OTHER}` })).status).toBe(400);
    expect((await put({ 'content-type': 'image/jpeg', 'x-amz-meta-nvcf-asset-description': 'seed' })).status).toBe(403);
    expect((await put({ 'content-type': 'image/png', 'x-amz-meta-nvcf-asset-description': 'seed' })).status).toBe(200);

    const image = `data:image/png;asset_id,${created.assetId}`;
    const unnamed = await call(MODEL, { key: OTHER, body: { prompt: 'x', video_params: params, image } });
    expect(unnamed.status).toBe(422);
    const named = await call(MODEL, {
      key: OTHER,
      body: { prompt: 'x', video_params: params, image },
      headers: { 'nvcf-input-asset-references': created.assetId },
    });
    expect(named.status).toBe(202);
    const request = fake.invocations.get(named.headers.get('nvcf-reqid')!)!;
    expect(request.input).toMatchObject({ via: 'asset', sha256: sha256(png) });

    // the clip opens on the picture: a still of it, covering the frame
    const first = join(dir, 'first.rgb');
    await writeFile(join(dir, 'out.mp4'), await request.output);
    await QUIET_FFMPEG.run({
      inputs: [{ path: join(dir, 'out.mp4'), options: [] }],
      outputs: [
        { path: first, options: ['-frames:v', '1', '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24'] },
      ],
    });
    const [r, g, b] = await readFile(first);
    expect([r, g, b].map((v, i) => Math.abs(v - [0x33, 0x66, 0xcc][i]) <= 12)).toEqual([true, true, true]);
  });

  it('hands a result larger than NVCF returns inline over as a 302 to a ZIP that refuses our key', async () => {
    await fake.close();
    fake = await FakeNvidiaCosmosServer.start({ keys: [KEY], processingMs: 50, maxResponseBytes: 1000 });
    const res = await call(MODEL, { body: { prompt: 'x', video_params: params } });
    const id = res.headers.get('nvcf-reqid')!;
    await new Promise((r) => setTimeout(r, 100));
    const done = await call(`/v2/nvcf/pexec/status/${id}`, { method: 'GET' });
    expect(done.status).toBe(302);
    const location = done.headers.get('location')!;
    expect((await fetch(location, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(400);
    const zip = Buffer.from(await (await fetch(location)).arrayBuffer());
    await writeFile(join(dir, 'result.zip'), zip);
    const { stdout } = await promisify(execFile)('unzip', ['-l', join(dir, 'result.zip')]);
    expect(stdout).toContain(`${id}_result.json`);
  });

  it('answers a failed request with the function refusal once it ends', async () => {
    fake.faults.inject({ kind: 'job-fails', message: 'Guardrail blocked the prompt' });
    const res = await call(MODEL, { body: { prompt: 'x', video_params: params } });
    expect(res.status).toBe(202);
    await new Promise((r) => setTimeout(r, 200));
    const failed = await call(`/v2/nvcf/pexec/status/${res.headers.get('nvcf-reqid')}`, { method: 'GET' });
    expect(failed.status).toBe(400);
    expect(((await failed.json()) as { detail: string }).detail).toBe('Guardrail blocked the prompt');
  });
});
