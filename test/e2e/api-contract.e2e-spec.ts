import { execFileSync } from 'node:child_process';
import { type BuiltStack, KEY_A, KEY_ADMIN, KEY_B, startBuiltStack } from '../support/built-stack';
import { Client, jobsOf } from '../support/http';

const SHORT = { brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough.', durationSec: 6 };
const LONG = {
  brief: 'A thirty second spot for a calm, hopeful allergy tablet brand named Clarivo.',
  durationSec: 30,
  tone: 'calm',
};

describe('HTTP contract', () => {
  let stack: BuiltStack;
  let a: Client;
  let b: Client;

  beforeAll(async () => {
    stack = await startBuiltStack();
    a = new Client(stack.baseUrl, KEY_A);
    b = new Client(stack.baseUrl, KEY_B);
  });
  afterAll(() => stack?.stop());

  it('answers 400 listing every problem of a bad brief, and creates nothing', async () => {
    const before = (await a.request('GET', '/v1/jobs')).body.items.length;
    const { status, body } = await a.submit({
      durationSec: 500,
      aspectRatio: '4:3',
      brand: { colors: ['green'] },
      extra: 1,
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe('REQUEST.INVALID');
    const fields = body.error.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['brief', 'durationSec', 'aspectRatio', 'brand.colors.0']));
    expect(body.error.problems.every((p: { reason: string }) => p.reason.length > 0)).toBe(true);
    expect(body.correlationId).toBeTruthy();
    const malformed = await a.request('POST', '/v1/jobs', '{"brief": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('REQUEST.INVALID');
    expect((await a.request('GET', '/v1/jobs')).body.items.length).toBe(before);
  });

  it('answers 401 without a key or with a wrong one, and accepts a Bearer token', async () => {
    const anonymous = new Client(stack.baseUrl, null);
    expect((await anonymous.submit(SHORT)).status).toBe(401);
    expect((await anonymous.request('GET', '/v1/jobs')).status).toBe(401);
    const wrong = new Client(stack.baseUrl, 'nope');
    const { status, body } = await wrong.request('GET', '/v1/jobs');
    expect(status).toBe(401);
    expect(body.error.code).toBe('AUTH.UNAUTHORIZED');
    expect((await anonymous.request('GET', '/v1/jobs', undefined, { authorization: `Bearer ${KEY_A}` })).status).toBe(
      200,
    );
  });

  it('answers liveness and readiness without a key, and the detailed health only to an admin key', async () => {
    const anonymous = new Client(stack.baseUrl, null);
    expect(await anonymous.request('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await anonymous.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', components: { redis: true, dynamodb: true, s3: true } });
    expect(JSON.stringify(ready.body)).not.toMatch(/127\.0\.0\.1|localhost|latency/);
    expect((await anonymous.request('GET', '/v1/health')).status).toBe(401);
    const tenant = await a.request('GET', '/v1/health');
    expect(tenant.status).toBe(403);
    expect(tenant.body.error.code).toBe('AUTH.FORBIDDEN');

    const { status, body } = await new Client(stack.baseUrl, KEY_ADMIN).request('GET', '/v1/health');
    expect(status).toBe(200);
    for (const component of ['redis', 'dynamodb', 's3', 'ffmpeg']) expect(body.components[component].ok).toBe(true);
    expect(body.backends).toEqual({
      planner: 'template',
      plannerModel: null,
      moderation: false,
      video: 'animatic',
      videoProfile: 'video_default',
      music: 'synth',
      realVideoBackend: false,
    });
    expect(body.providers).toMatchObject({ status: 'ok', realVideo: false, defaultVideoProfile: 'video_default' });
  });

  it('returns the same job for a retried submit with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': `retry-${Date.now()}` };
    const [first, second] = await Promise.all([a.submit(SHORT, headers), a.submit(SHORT, headers)]);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    const third = await a.submit(SHORT, headers);
    expect(third.body.id).toBe(first.body.id);
    const reused = await a.submit({ ...SHORT, durationSec: 7 }, headers);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('REQUEST.IDEMPOTENCY_KEY_REUSED');
    // The same key from another tenant is another request.
    expect((await b.submit(SHORT, headers)).body.id).not.toBe(first.body.id);
    await a.waitFor(first.body.id, (j) => j.status === 'completed');
  });

  it('answers 404 for another tenant’s job exactly as for an unknown one', async () => {
    const { body } = await a.submit(SHORT);
    for (const path of [`/v1/jobs/${body.id}`, `/v1/jobs/01JZZZZZZZZZZZZZZZZZZZZZZZ`, '/v1/jobs/../../etc']) {
      const read = await b.request('GET', path);
      expect(read.status).toBe(404);
    }
    const other = await b.request('GET', `/v1/jobs/${body.id}`);
    const unknown = await b.request('GET', '/v1/jobs/01JZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(other.body.error.code).toBe(unknown.body.error.code);
    expect((await b.request('POST', `/v1/jobs/${body.id}/cancel`)).status).toBe(404);
    expect((await b.events(body.id)).status).toBe(404);
    expect((await b.request('GET', '/v1/jobs')).body.items.map((j: { id: string }) => j.id)).not.toContain(body.id);
    await a.waitFor(body.id, (j) => j.status === 'completed');
  });

  it('cancels a job in flight: running ffmpeg is killed, queued scenes never start, a second cancel is 409', async () => {
    const { body } = await a.submit(LONG);
    const running = await a.waitFor(body.id, (j) => j.scenes.some((s) => s.status === 'running'));
    expect(running.status).toBe('generating');
    const cancelled = await a.request('POST', `/v1/jobs/${body.id}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 3000));
    const after = await a.job(body.id);
    expect(after.status).toBe('cancelled');
    expect(after.outputs).toEqual([]);
    // A scene pending when we looked may still have started before the cancel landed; none starts after it.
    const cancelledAt = Date.parse(cancelled.body.updatedAt);
    for (const scene of after.scenes) {
      expect([scene.index, scene.startedAt === null || Date.parse(scene.startedAt) <= cancelledAt]).toEqual([
        scene.index,
        true,
      ]);
    }
    const neverStarted = after.scenes.filter((s) => s.startedAt === null);
    expect(neverStarted.length).toBeGreaterThan(0);
    for (const scene of neverStarted) expect(scene.status).toBe('cancelled');
    expect(ffmpegProcessesUnder(stack.dataDir)).toEqual([]);
    const again = await a.request('POST', `/v1/jobs/${body.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('JOB.TERMINAL');
  });

  it('resumes an event stream after Last-Event-ID and sends heartbeats while the job runs', async () => {
    const { body } = await a.submit(SHORT);
    const live = await a.events(body.id, { until: (e) => e.comment === 'heartbeat', timeoutMs: 30_000 });
    expect(live.events.some((e) => e.comment === 'heartbeat')).toBe(true);
    const seen = Math.max(...jobsOf(live.events).map((j) => j.version));
    const resumed = await a.events(body.id, { lastEventId: seen });
    const versions = resumed.events.filter((e) => e.event === 'job').map((e) => Number(e.id));
    expect(versions.length).toBeGreaterThan(0);
    expect(Math.min(...versions)).toBeGreaterThan(seen);
    const final = jobsOf(resumed.events).pop()!;
    expect(final.status).toBe('completed');
    // A watcher that already saw the terminal event gets nothing more, and the stream closes.
    const done = await a.events(body.id, { lastEventId: final.version });
    expect(done.events.filter((e) => e.event === 'job')).toEqual([]);
    // One that missed only the last event gets just that one.
    const last = await a.events(body.id, { lastEventId: final.version - 1 });
    expect(jobsOf(last.events).map((j) => j.version)).toEqual([final.version]);
  });
});

function ffmpegProcessesUnder(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', `ffmpeg.*${dir}`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
