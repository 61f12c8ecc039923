import SwaggerParser from '@apidevtools/swagger-parser';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@stack/embedded';
import { FakeVllmOmniServer } from '@app/testing';
import { type BuiltStack, KEY_A, KEY_B, startBuiltStack } from '../support/built-stack';
import { Client, type JobView } from '../support/http';

const KEY_ADMIN = 'key-ops';
const SHORT = { brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough.', durationSec: 6 };
const REQUEST_ID = 'e2e-operations-submit-0001';

interface OtlpSpan {
  traceId: string;
  name: string;
  attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: string } }>;
}

/** An in-process OTLP/HTTP receiver: every span the processes export (JSON encoding). */
async function startOtlpReceiver() {
  const spans: OtlpSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const attr = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value.stringValue;

/** `name{labels} value` lines of a Prometheus scrape, as [series, value]. */
function series(text: string, name: string, labels: Record<string, string> = {}): number[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
}

/**
 * Operating a stack: structured logs, metrics on the API and the worker, traces, the API document,
 * the admin routes and the queue board. One stack whose video provider is a local vLLM-Omni server.
 */
describe('operations', () => {
  let stack: BuiltStack;
  let vllm: FakeVllmOmniServer;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let dir: string;
  let metricsPort: number;
  let a: Client;
  let admin: Client;
  let job: JobView;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'operations-'));
    otlp = await startOtlpReceiver();
    vllm = await FakeVllmOmniServer.start({ queuedMs: 100, runMs: 300, clipSec: 3 });
    // The first scene the provider runs fails as vLLM-Omni does when the GPU is full.
    vllm.faults.inject({
      kind: 'job-fails',
      message: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB',
    });
    metricsPort = await freePort();
    stack = await startBuiltStack({
      dataDir: join(dir, 'data'),
      env: {
        API_KEYS: `${KEY_A}=tenantA,${KEY_B}=tenantB,${KEY_ADMIN}=ops:admin`,
        VLLM_OMNI_BASE_URL: vllm.url,
        METRICS_PORT: String(metricsPort),
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_BSP_SCHEDULE_DELAY: '200',
        AUDIT_LOG_PATH: join(dir, 'audit', 'requests.jsonl'),
      },
    });
    a = new Client(stack.baseUrl, KEY_A);
    admin = new Client(stack.baseUrl, KEY_ADMIN);
    const submitted = await a.submit({ ...SHORT, quality: 'preview' }, { 'x-request-id': REQUEST_ID });
    expect(submitted.status).toBe(202);
    expect(submitted.headers.get('x-request-id')).toBe(REQUEST_ID);
    job = await a.waitFor(submitted.body.id, (j) => ['completed', 'failed'].includes(j.status), 240_000);
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    await vllm?.close();
    await otlp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes the job although the provider ran out of memory once, and counts the OOM', async () => {
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(series(text, 'reelsmith_out_of_memory_total', { provider: 'vllm-omni' })).toEqual([1]);
  });

  it("scrapes the worker's /metrics: one stage observation per step of the job, queues, providers", async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const count = (stage: string) => series(text, 'reelsmith_stage_duration_seconds_count', { stage })[0] ?? 0;
    expect(count('plan')).toBe(1);
    expect(count('scene')).toBe(job.scenes.length);
    expect(count('music')).toBe(job.music.status === 'completed' ? 1 : 0);
    expect(count('compose')).toBe(1);
    expect(count('end_to_end')).toBe(1);
    expect(series(text, 'reelsmith_jobs_finished_total', { status: 'completed', code: 'none' })).toEqual([1]);
    expect(series(text, 'reelsmith_queue_jobs', { queue: 'compose', state: 'waiting' })).toEqual([0]);
    expect(
      series(text, 'reelsmith_provider_requests_total', { provider: 'vllm-omni', outcome: 'ok' })[0],
    ).toBeGreaterThan(0);
    expect(series(text, 'reelsmith_generations_total', { provider: 'vllm-omni' })).toEqual([job.scenes.length]);
    expect(series(text, 'reelsmith_scene_slot_busy_ratio')).toEqual([0]);
    expect(text).toContain('reelsmith_provider_request_duration_seconds_bucket');
  });

  it("scrapes the API's /metrics: requests by route and status, SSE streams, queue depth", async () => {
    const response = await fetch(`${stack.baseUrl}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(series(text, 'reelsmith_http_requests_total', { method: 'POST', route: '/v1/jobs', status: '202' })).toEqual(
      [1],
    );
    expect(
      series(text, 'reelsmith_http_request_duration_seconds_count', { route: '/v1/jobs/:id', status: '200' })[0],
    ).toBeGreaterThan(0);
    expect(series(text, 'reelsmith_sse_connections')).toEqual([0]);
    expect(series(text, 'reelsmith_queue_jobs', { queue: 'plan', state: 'waiting' })).toEqual([0]);
  });

  it('writes every log line as JSON; the job’s lines all carry its id and the submit’s request id', () => {
    const lines = stack
      .logs()
      .split('\n')
      .filter((l) => l.trim());
    const unparsable = lines.filter((line) => {
      try {
        return typeof JSON.parse(line) !== 'object';
      } catch {
        return true;
      }
    });
    expect(unparsable).toEqual([]);
    const records = lines.map((l) => JSON.parse(l) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    const mine = records.filter((r) => r.jobId === job.id);
    expect(new Set(mine.map((r) => r.service))).toEqual(new Set(['api', 'worker']));
    expect(mine.filter((r) => r.requestId !== REQUEST_ID)).toEqual([]);
    expect(new Set(mine.map((r) => r.step))).toEqual(
      new Set([undefined, 'plan', 'scene', 'music', 'soundtrack', 'compose']),
    );
    // generation lines: prompt hash, model, seed, parameters, duration; never the prompt text
    const generations = mine.filter((r) => r.generation?.kind === 'scene');
    expect(generations).toHaveLength(job.scenes.length);
    for (const g of generations) {
      expect(g.generation).toMatchObject({
        provider: 'vllm-omni',
        promptSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(typeof g.generation.seed).toBe('number');
      expect(g.generation.durationMs).toBeGreaterThanOrEqual(0);
      expect(g.generation.params.durationSec).toBeGreaterThan(0);
      expect(JSON.stringify(g)).not.toContain('prompt"');
    }
    // ffmpeg command lines are debug lines: none at the default level
    expect(records.filter((r) => typeof r.msg === 'string' && r.msg.startsWith('ffmpeg -'))).toEqual([]);
  });

  it('exports one trace per job, from the submit through every step, with provider and ffmpeg spans', async () => {
    const ofJob = () => otlp.spans.filter((s) => attr(s, 'reelsmith.job_id') === job.id);
    const deadline = Date.now() + 30_000;
    while (!ofJob().some((s) => s.name === 'POST /v1/jobs') || !ofJob().some((s) => s.name === 'step compose')) {
      if (Date.now() > deadline) throw new Error(`spans not exported: ${otlp.spans.map((s) => s.name).join(', ')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const traces = new Set(ofJob().map((s) => s.traceId));
    expect(traces.size).toBe(1);
    const names = new Set(otlp.spans.filter((s) => traces.has(s.traceId)).map((s) => s.name));
    for (const name of [
      'POST /v1/jobs',
      'step plan',
      'step scene',
      'step music',
      'step compose',
      'ffmpeg',
      'provider vllm-omni POST',
    ])
      expect(names).toContain(name);
  });

  it('serves a valid OpenAPI 3.1 document and a reference page the CSP allows', async () => {
    const doc = await new Client(stack.baseUrl, null).request('GET', '/v1/openapi.json');
    expect(doc.status).toBe(200);
    await expect(SwaggerParser.validate(doc.body)).resolves.toBeDefined();
    const page = await fetch(`${stack.baseUrl}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script defer src="/docs/reference.js"></script>');
    expect((await fetch(`${stack.baseUrl}/docs/reference.js`)).status).toBe(200);
  });

  it('answers 401 without credentials and 403 without the admin role on every admin route and the queue board', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/v1/admin/usage'],
      ['GET', '/v1/admin/jobs'],
      ['POST', '/v1/admin/jobs/expire'],
      ['GET', '/v1/admin/queues'],
      ['POST', '/v1/admin/queues/plan/pause'],
      ['POST', '/v1/admin/queues/plan/resume'],
      ['GET', '/admin/queues'],
      ['GET', '/admin/queues/api/queues'],
    ];
    for (const [method, path] of routes) {
      const anonymous = await new Client(stack.baseUrl, null).request(method, path);
      expect([path, anonymous.status, anonymous.body?.error?.code]).toEqual([path, 401, 'AUTH.UNAUTHORIZED']);
      const tenant = await a.request(method, path);
      expect([path, tenant.status, tenant.body?.error?.code]).toEqual([path, 403, 'AUTH.FORBIDDEN']);
    }
    const board = await fetch(`${stack.baseUrl}/admin/queues`, {
      headers: { authorization: `Basic ${Buffer.from(`ops:${KEY_ADMIN}`).toString('base64')}` },
    });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('Reelsmith queues');
    const usage = await admin.request('GET', '/v1/admin/usage');
    expect(usage.status).toBe(200);
    expect(usage.body.items).toEqual([expect.objectContaining({ tenantId: 'tenantA', jobs: expect.any(Number) })]);
  });

  it('expires a job stuck in a paused queue with JOB.EXPIRED and removes its queue entry', async () => {
    expect((await admin.request('POST', '/v1/admin/queues/plan/pause')).body).toMatchObject({
      queue: 'plan',
      paused: true,
    });
    try {
      const { body } = await a.submit(SHORT);
      const stuck = await admin.request('GET', '/v1/admin/jobs?status=queued');
      expect(stuck.body.items).toEqual([
        expect.objectContaining({ id: body.id, tenantId: 'tenantA', status: 'queued' }),
      ]);
      const expired = await admin.request('POST', '/v1/admin/jobs/expire', { olderThanSec: 0 });
      expect(expired.status).toBe(200);
      expect(expired.body.expired).toEqual([{ tenantId: 'tenantA', id: body.id }]);
      const view = await a.job(body.id);
      expect(view.status).toBe('failed');
      expect(view.error?.code).toBe('JOB.EXPIRED');
      const queues = await admin.request('GET', '/v1/admin/queues');
      const plan = queues.body.items.find((q: { queue: string }) => q.queue === 'plan');
      expect(plan.counts.waiting + plan.counts.paused).toBe(0);
      expect((await admin.request('GET', '/v1/admin/jobs?status=queued,planning,generating,composing')).body).toEqual({
        items: [],
        nextCursor: null,
      });
    } finally {
      await admin.request('POST', '/v1/admin/queues/plan/resume');
    }
  });

  it('lists finished jobs across tenants by status and age, paged with a signed cursor', async () => {
    const all = await admin.request('GET', '/v1/admin/jobs');
    expect(all.status).toBe(200);
    const [expired, completed] = all.body.items;
    expect(all.body.items).toHaveLength(2);
    expect(expired).toMatchObject({ tenantId: 'tenantA', status: 'failed', error: { code: 'JOB.EXPIRED' } });
    expect(completed).toMatchObject({ id: job.id, tenantId: 'tenantA', status: 'completed', error: null });
    expect((await admin.request('GET', '/v1/admin/jobs?status=completed')).body.items).toEqual([completed]);
    expect((await admin.request('GET', '/v1/admin/jobs?status=failed,cancelled')).body.items).toEqual([expired]);
    // age: nothing has stood still for an hour; both were created within the last ten minutes
    expect((await admin.request('GET', '/v1/admin/jobs?olderThanSec=3600')).body.items).toEqual([]);
    expect((await admin.request('GET', '/v1/admin/jobs?createdWithinSec=600')).body.items).toEqual(all.body.items);
    const first = await admin.request('GET', '/v1/admin/jobs?status=completed,failed&limit=1');
    expect(first.body.items).toEqual([expired]);
    const next = await admin.request(
      'GET',
      `/v1/admin/jobs?status=completed,failed&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(next.body).toEqual({ items: [completed], nextCursor: null });
    // a tenant's history cursor is no admin cursor; an unknown status is named
    const history = await a.request('GET', '/v1/jobs?limit=1');
    const forged = await admin.request('GET', `/v1/admin/jobs?cursor=${encodeURIComponent(history.body.nextCursor)}`);
    expect([forged.status, forged.body.error.code]).toEqual([400, 'REQUEST.INVALID']);
    const bogus = await admin.request('GET', '/v1/admin/jobs?status=done');
    expect(bogus.status).toBe(400);
    expect(JSON.stringify(bogus.body.error)).toContain('status');
  });

  it('leaves one audit record per request in AUDIT_LOG_PATH', () => {
    const records = readFileSync(join(dir, 'audit', 'requests.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const submit = records.find((r) => r.requestId === REQUEST_ID);
    expect(submit).toMatchObject({
      method: 'POST',
      route: '/v1/jobs',
      tenantId: 'tenantA',
      status: 202,
      errorCode: null,
    });
    expect(String(submit!.actor)).toMatch(/^tenantA\/key:[0-9a-f]+$/);
    expect(records.find((r) => r.status === 403)).toMatchObject({ errorCode: 'AUTH.FORBIDDEN' });
  });
});
