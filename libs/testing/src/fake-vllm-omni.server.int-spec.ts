import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeVllmOmniServer, FaultPlan, maxOverlap, QUIET_FFMPEG } from './fake-vllm-omni.server';

describe(FakeVllmOmniServer.name, () => {
  let server: FakeVllmOmniServer;
  beforeAll(async () => {
    server = await FakeVllmOmniServer.start({ queuedMs: 30, runMs: 100 });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const create = (fields: Record<string, string | Blob>) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    return fetch(`${server.url}/v1/videos`, { method: 'POST', body: form });
  };

  it('lists the one model it runs', async () => {
    const body = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(body.data.map((m) => m.id)).toEqual(['Wan-AI/Wan2.2-TI2V-5B-Diffusers']);
  });

  it('refuses unknown and missing fields with FastAPI-style 422 details', async () => {
    const res = await create({ colour: 'red', num_frames: 'many' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: { type: string; loc: string[] }[] };
    expect(body.detail.map((d) => `${d.type} ${d.loc.join('.')}`)).toEqual(
      expect.arrayContaining(['extra_forbidden body.colour', 'value_error body.num_frames', 'missing body.prompt']),
    );
    expect(server.createCount).toBe(0);
  });

  it('refuses another model than its own', async () => {
    const res = await create({ prompt: 'x', model: 'other/model' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/Model mismatch/);
  });

  it('runs a job queued -> in_progress -> completed and serves a real MP4, then deletes it', async () => {
    const png = new Blob([server.sample.png], { type: 'image/png' });
    const created = (await (
      await create({ prompt: 'a lake', width: '320', height: '180', num_frames: '49', fps: '24', input_reference: png })
    ).json()) as {
      id: string;
      status: string;
    };
    expect(created.status).toBe('queued');
    expect(server.jobs.get(created.id)!.inputReference).toMatchObject({
      type: 'image/png',
      size: server.sample.png.length,
    });
    await new Promise((r) => setTimeout(r, 60));
    expect(((await (await fetch(`${server.url}/v1/videos/${created.id}`)).json()) as { status: string }).status).toBe(
      'in_progress',
    );
    await new Promise((r) => setTimeout(r, 100));
    const done = (await (await fetch(`${server.url}/v1/videos/${created.id}`)).json()) as Record<string, unknown>;
    expect(done).toMatchObject({ status: 'completed', progress: 100, size: '320x180', seconds: '2', object: 'video' });

    const content = await fetch(`${server.url}/v1/videos/${created.id}/content`);
    expect(content.headers.get('content-type')).toBe('video/mp4');
    const dir = await mkdtemp(join(tmpdir(), 'fake-vllm-'));
    try {
      await writeFile(join(dir, 'out.mp4'), Buffer.from(await content.arrayBuffer()));
      expect((await QUIET_FFMPEG.probe(join(dir, 'out.mp4'))).video).toMatchObject({
        codec: 'h264',
        width: 320,
        height: 180,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect((await fetch(`${server.url}/v1/videos/${created.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${server.url}/v1/videos/${created.id}`)).status).toBe(404);
  });

  it('injects 429 with Retry-After, malformed JSON, corrupt content and hangs', async () => {
    server.faults.inject({ kind: 'status', status: 429, retryAfterSec: 3 });
    const limited = await fetch(`${server.url}/v1/models`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');

    server.faults.inject({ kind: 'bad-json' });
    await expect((await fetch(`${server.url}/v1/models`)).json()).rejects.toThrow();

    const { id } = (await (await create({ prompt: 'x' })).json()) as { id: string };
    await new Promise((r) => setTimeout(r, 150));
    server.faults.inject({ kind: 'corrupt-content' });
    const corrupt = Buffer.from(await (await fetch(`${server.url}/v1/videos/${id}/content`)).arrayBuffer());
    expect(corrupt.equals(server.sample.mp4)).toBe(false);

    server.faults.inject({ kind: 'hang' });
    await expect(fetch(`${server.url}/v1/models`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(server.faults.injected.map((f) => f.fault.kind)).toEqual(['status', 'bad-json', 'corrupt-content', 'hang']);
  });

  it('measures requests in flight and overlapping jobs', async () => {
    server.faults.inject({ kind: 'delay', ms: 100 }, { times: 3 });
    await Promise.all([1, 2, 3].map(() => fetch(`${server.url}/v1/models`)));
    expect(server.inFlight.max).toBeGreaterThanOrEqual(3);
    await Promise.all([create({ prompt: 'a' }), create({ prompt: 'b' })]);
    expect(server.maxConcurrentJobs).toBe(2);
  });
});

describe(FaultPlan.name, () => {
  it('draws the same faults for the same seed', () => {
    const draw = () => {
      const plan = new FaultPlan().setRandom({ rate: 0.3, seed: 7, faults: [{ kind: 'hang' }, { kind: 'bad-json' }] });
      return Array.from({ length: 50 }, () => plan.next({ method: 'GET', path: '/x' }, () => true)?.kind ?? null);
    };
    const first = draw();
    expect(draw()).toEqual(first);
    const failures = first.filter(Boolean).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(25);
  });
});

describe(maxOverlap.name, () => {
  it('finds the most intervals covering one instant', () => {
    expect(
      maxOverlap([
        { start: 0, end: 10 },
        { start: 5, end: 15 },
        { start: 10, end: 20 },
        { start: 12, end: 13 },
      ]),
    ).toBe(3);
    expect(maxOverlap([])).toBe(0);
  });
});
