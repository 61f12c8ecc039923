import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuiltStack, KEY_A, startBuiltStack } from '../support/built-stack';
import { Client, type JobView } from '../support/http';

const SHORT = {
  brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough.',
  durationSec: 6,
  quality: 'preview',
};
const TERMINAL = ['completed', 'failed', 'cancelled'];
/** What the issue promises while a dependency is stalled: an answer (503 or the right one) within 2 s. */
const ANSWER_WITHIN_MS = 2_000;

/**
 * Real processes paused with SIGSTOP: the stack's redis-server, and the stack's own process, which
 * holds the embedded DynamoDB (dynalite) and S3 (s3rver). The API and the worker are separate
 * processes and keep running. The stack's ffmpeg is a wrapper that hangs once when told to (a
 * marker file), under short deadlines. A SIGKILLed stack is restart.e2e-spec.ts; SIGKILLed workers
 * with a provider, the soak (test/soak).
 */
describe('fault injection', () => {
  let stack: BuiltStack;
  let client: Client;
  let anonymous: Client;
  const paused = new Set<number>();
  /** ids this suite was answered 202 for: each must end completed or failed with a code, and be the only rows */
  const accepted: string[] = [];

  const pause = (pid: number) => (process.kill(pid, 'SIGSTOP'), paused.add(pid));
  const resume = (pid: number) => (process.kill(pid, 'SIGCONT'), paused.delete(pid));

  /** A request that must be answered within the promise; a stalled answer fails the test. */
  async function answered(method: string, path: string, body?: unknown, who = client) {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: {
        ...(who.apiKey ? { 'x-api-key': who.apiKey } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  }

  /** /readyz until it says `status` (it is cached for a few seconds); every call answered in time. */
  async function readinessBecomes(status: number) {
    for (let i = 0; i < 60; i++) {
      const ready = await answered('GET', '/readyz', undefined, anonymous);
      if (ready.status === status) return ready;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`/readyz never answered ${status}`);
  }

  async function allJobs(): Promise<JobView[]> {
    return (await client.request('GET', '/v1/jobs?limit=100')).body.items as JobView[];
  }

  /** `ffmpeg` on the stack's PATH: the real one, except one encode that hangs after `hangOnce()` */
  const bin = mkdtempSync(join(tmpdir(), 'reelsmith-hung-ffmpeg-'));
  const marker = join(bin, 'hang-next');
  const hangOnce = () => writeFileSync(marker, '');
  const realFfmpeg = execFileSync('sh', ['-c', 'command -v ffmpeg']).toString().trim();
  writeFileSync(
    join(bin, 'ffmpeg'),
    [
      '#!/bin/sh',
      // fluent-ffmpeg's capability probes (-formats, -encoders, ...) are never the one that hangs
      `case " $* " in *" -i "*) if mv '${marker}' '${join(bin, 'hanging')}' 2>/dev/null; then exec sleep 600; fi;; esac`,
      `exec ${realFfmpeg} "$@"`,
    ].join('\n'),
  );
  chmodSync(join(bin, 'ffmpeg'), 0o755);

  beforeAll(async () => {
    stack = await startBuiltStack({
      env: {
        FFMPEG_PATH: join(bin, 'ffmpeg'),
        // short enough that the hung run is killed within a minute, long enough for every real one
        FFMPEG_DEADLINE_BASE_MS: '20000',
        FFMPEG_DEADLINE_PER_SEC_MS: '8000',
      },
    });
    client = new Client(stack.baseUrl, KEY_A);
    anonymous = new Client(stack.baseUrl, null);
  });
  afterAll(async () => {
    for (const pid of paused) process.kill(pid, 'SIGCONT');
    await stack?.stop();
    rmSync(bin, { recursive: true, force: true });
  });

  it('Redis paused: alive, not ready, a submit refused in time with nothing made, and a job in flight finishes once Redis is back', async () => {
    const inFlight = await client.submit(SHORT);
    expect(inFlight.status).toBe(202);
    accepted.push(inFlight.body.id);
    // redis-server retitles itself "redis-server 127.0.0.1:<port>"; the stack logs the URL it started
    const port = /redis redis:\/\/127\.0\.0\.1:(\d+)/.exec(stack.logs())?.[1];
    const redisPid = Number(
      execFileSync('pgrep', ['-f', `redis-server 127.0.0.1:${port}`])
        .toString()
        .trim(),
    );
    pause(redisPid);
    try {
      expect(await answered('GET', '/healthz', undefined, anonymous)).toMatchObject({ status: 200 });
      const notReady = await readinessBecomes(503);
      expect(notReady.body).toMatchObject({ status: 'not-ready', components: { redis: false } });
      expect(notReady.headers.get('retry-after')).toBeTruthy();
      // a tenant's live-job quota lives in Redis: the submit is refused before anything is written
      const refused = await answered('POST', '/v1/jobs', SHORT);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBeTruthy();
      // reads need only DynamoDB
      expect(await answered('GET', `/v1/jobs/${inFlight.body.id}`)).toMatchObject({ status: 200 });
    } finally {
      resume(redisPid);
    }
    await readinessBecomes(200);
    const job = await client.waitFor(inFlight.body.id, (j) => TERMINAL.includes(j.status), 240_000);
    expect(job.status).toBe('completed');
    const list = await client.request('GET', '/v1/jobs?limit=50');
    expect(list.body.items.map((j: { id: string }) => j.id)).toEqual([inFlight.body.id]);
  });

  it('ffmpeg hangs: SIGKILLed at its deadline, the API answers meanwhile, and the step runs again to a finished job', async () => {
    hangOnce();
    const submitted = await client.submit(SHORT);
    expect(submitted.status).toBe(202);
    accepted.push(submitted.body.id);
    const hanging = join(bin, 'hanging');
    for (let i = 0; !existsSync(hanging); i++) {
      if (i > 600) throw new Error('no ffmpeg run started');
      await new Promise((r) => setTimeout(r, 100));
    }
    // while an encode hangs, the API is alive and ready and answers in time
    expect(await answered('GET', '/healthz', undefined, anonymous)).toMatchObject({ status: 200 });
    expect((await answered('GET', `/v1/jobs/${submitted.body.id}`)).status).toBe(200);

    const job = await client.waitFor(submitted.body.id, (j) => TERMINAL.includes(j.status), 240_000);
    expect(job.status).toBe('completed');
    expect(stack.logs()).toContain('MEDIA.FFMPEG_TIMEOUT');
  });

  it('DynamoDB and S3 paused: 503 with Retry-After in time, and nothing the client was refused runs', async () => {
    const inFlight = await client.submit(SHORT);
    expect(inFlight.status).toBe(202);
    accepted.push(inFlight.body.id);
    pause(stack.pid);
    let refused: { status: number; headers: Headers; body: { error: { code: string } } };
    try {
      expect(await answered('GET', '/healthz', undefined, anonymous)).toMatchObject({ status: 200 });
      const notReady = await readinessBecomes(503);
      expect(notReady.body.components).toMatchObject({ dynamodb: false, s3: false });
      refused = await answered('POST', '/v1/jobs', SHORT);
      const read = await answered('GET', `/v1/jobs/${inFlight.body.id}`);
      expect(read.status).toBe(503);
      expect(read.body.error.code).toBe('DEPENDENCY.UNAVAILABLE');
    } finally {
      resume(stack.pid);
    }
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('DEPENDENCY.UNAVAILABLE');
    expect(refused.headers.get('retry-after')).toBeTruthy();
    await readinessBecomes(200);

    const job = await client.waitFor(inFlight.body.id, (j) => TERMINAL.includes(j.status), 240_000);
    expect(job.status === 'completed' || (job.status === 'failed' && job.error?.code)).toBeTruthy();
    // A refused create may still have landed late: it must be withdrawn, never run as a second job.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const others = (await allJobs()).filter((j) => !accepted.includes(j.id));
      const withdrawn = others.every((j) => j.status === 'failed' && j.error?.code === 'JOB.WITHDRAWN');
      if (withdrawn) break;
      if (Date.now() > deadline) throw new Error(`a refused submit left a live job: ${JSON.stringify(others)}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const ids = (await allJobs()).map((j) => j.id);
    for (const id of accepted) expect(ids.filter((x) => x === id)).toHaveLength(1);
  });
});
