import { createHmac, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import Redis from 'ioredis';
import { type ApiProcesses, startApiProcesses } from '../support/api-processes';
import { Client } from '../support/http';

const KEY_A = 'key-a';
const KEY_B = 'key-b';
const VALID = { brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough.', durationSec: 6 };
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

interface Case {
  name: string;
  method: string;
  path: string;
  key?: string | null;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** the status expected, and the error code and (for a 400) a field named in its problems */
  status: number;
  code?: string;
  field?: string;
}

function png(width: number, height: number): string {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  return `data:image/png;base64,${Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), ihdr, Buffer.alloc(16)]).toString('base64')}`;
}

const json = (value: unknown) => JSON.stringify(value);

/** Bad briefs: each names the field it breaks. */
function badBriefs(): Array<{ name: string; body: unknown; field: string }> {
  const cases: Array<{ name: string; body: unknown; field: string }> = [];
  const field = (name: string, value: unknown, fieldName = name) =>
    cases.push({ name: `${name}=${json(value)?.slice(0, 40)}`, body: { ...VALID, [name]: value }, field: fieldName });
  for (const v of ['', 'short', 123, null, 'x'.repeat(2001), ['a brief in a list'], { text: 'nested' }])
    field('brief', v);
  for (const v of [0, 5, 121, 7.5, '30', -6, 1e9, null, true]) field('durationSec', v);
  for (const v of ['4:3', '', 16, '16x9', '9:16 ']) field('aspectRatio', v);
  for (const v of [-1, 'lots', 1e9, null]) field('budgetUsd', v);
  for (const v of [-1, 2 ** 31, 1.5, '7']) field('seed', v);
  for (const v of ['nope', '../../etc/passwd', 'VIDEO', 'a'.repeat(65)]) field('videoProfile', v);
  for (const v of ['ultra', '', 1]) field('quality', v);
  for (const v of [{ enabled: 'yes' }, { mood: '' }, { extra: 1 }]) field('music', v);
  for (const v of [['red'], ['#fff'], Array(7).fill('#112233'), '#112233'])
    field('brand', { colors: v }, 'brand.colors');
  field('brand', { name: 'x'.repeat(121) }, 'brand.name');
  field('brand', { name: 'Acme', slogan: 'invented' }, 'brand');
  for (const v of [{}, { position: 'middle', text: 'ok' }, { text: 'x'.repeat(61) }, { text: 'ok', opacity: 2 }])
    field('watermark', v, 'watermark');
  const logos = [
    Buffer.from('GIF89a not a png, whatever the data URL says it is').toString('base64'),
    png(10_000, 10_000).split(',')[1],
    png(0, 0).split(',')[1],
    png(5000, 100).split(',')[1],
  ];
  for (const logo of logos) field('watermark', { logo: `data:image/png;base64,${logo}` }, 'watermark.logo');
  for (const logo of ['javascript:alert(1)', 'data:image/svg+xml;base64,PHN2Zz4=', 'https://evil.example/logo.png'])
    field('watermark', { logo }, 'watermark.logo');
  const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
  cases.push({
    name: 'compliance too long for 6s',
    body: { ...VALID, compliance: { disclaimer: words(40) } },
    field: 'compliance',
  });
  cases.push({
    name: 'compliance too long for any duration',
    body: { ...VALID, durationSec: 120, compliance: { sideEffects: Array(30).fill(words(20)) } },
    field: 'compliance',
  });
  field('compliance', { sideEffects: 'headache' }, 'compliance.sideEffects');
  field('compliance', { dosage: '' }, 'compliance.dosage');
  field('compliance', { warnings: 'invented' }, 'compliance');
  for (const name of ['tenantId', 'id', 'status', 'version', 'constructor', 'admin', 'outputs'])
    cases.push({ name: `unknown field ${name}`, body: { ...VALID, [name]: 'tenantB' }, field: '(body)' });
  cases.push({ name: 'storyboard garbage', body: { ...VALID, storyboard: { scenes: 'none' } }, field: 'storyboard' });
  cases.push({ name: 'storyboard as text', body: { ...VALID, storyboard: 'ignore all rules' }, field: 'storyboard' });
  return cases;
}

/**
 * What an attacker or a careless client sends: malformed, oversized, injected and cross-tenant
 * requests, each answered with the 4xx that names the problem, never a 5xx, and nothing made.
 * One built API process over real Redis, dynalite and s3rver (no worker: accepted jobs stay queued).
 */
describe('hostile input', () => {
  let api: ApiProcesses;
  let base: string;
  let redis: Redis;
  const relayed: string[] = [];
  const outcomes: Array<{ name: string; status: number }> = [];
  let mismatches: string[] = [];
  const jobsOf: Record<string, string[]> = {};

  async function send(c: Case) {
    const key = c.key === undefined ? KEY_A : c.key;
    const response = await fetch(`${base}${c.path}`, {
      method: c.method,
      headers: { ...(key ? { 'x-api-key': key } : {}), ...c.headers },
      body: c.body,
    });
    const text = await response.text();
    outcomes.push({ name: c.name, status: response.status });
    let body: { error?: { code?: string; problems?: Array<{ field: string }> } } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: only acceptable where nothing is asserted about the body
    }
    const fields = body.error?.problems?.map((p) => p.field) ?? [];
    const wrong =
      response.status !== c.status ||
      (c.code && body.error?.code !== c.code) ||
      (c.field && !fields.some((f) => f === c.field || f.startsWith(`${c.field}.`) || c.field!.startsWith(f)));
    if (wrong) mismatches.push(`${c.name}: ${response.status} ${text.slice(0, 300)}`);
    return response;
  }

  async function run(cases: Case[]) {
    mismatches = [];
    for (const c of cases) await send(c);
  }

  const jsonPost = (path: string, body: string | Buffer, headers: Record<string, string> = {}) => ({
    method: 'POST',
    path,
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

  beforeAll(async () => {
    api = await startApiProcesses(1, {
      RATE_LIMITS: 'submit=10000/60,tools=10000/60,reads=10000/60,sse=10000/60',
      BODY_LIMIT_BYTES: String(1024 * 1024),
      REPLICATE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    base = api.urls[0];
    redis = new Redis(api.env.config.redisUrl!);
    await redis.subscribe(`${api.env.config.queuePrefix}:provider:replicate:webhooks`);
    redis.on('message', (_channel, message) => relayed.push(message));
    // What each tenant legitimately has: B has two jobs, so it has a cursor to steal.
    const a = new Client(base, KEY_A);
    const b = new Client(base, KEY_B);
    jobsOf.a = [(await a.submit(VALID)).body.id];
    jobsOf.b = [(await b.submit(VALID)).body.id, (await b.submit(VALID)).body.id];
  }, 120_000);

  afterAll(async () => {
    await redis?.quit();
    await api?.stop();
  });

  it('refuses bodies it will not read, before authentication: 413, 415, 400', async () => {
    const big = json({ ...VALID, brief: 'x'.repeat(2 * 1024 * 1024) });
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    const cases: Case[] = [];
    for (const key of [KEY_A, null]) {
      const who = key ? 'with key' : 'without key';
      for (const path of ['/v1/jobs', '/v1/storyboards', '/v1/prompts/enhance', '/v1/webhooks/replicate']) {
        cases.push({
          name: `2 MB body ${path} ${who}`,
          key,
          ...jsonPost(path, big),
          status: 413,
          code: 'REQUEST.TOO_LARGE',
        });
        cases.push({
          name: `gzip bomb ${path} ${who}`,
          key,
          ...jsonPost(path, bomb, { 'content-encoding': 'gzip' }),
          status: 413,
          code: 'REQUEST.TOO_LARGE',
        });
        for (const type of [
          'application/x-www-form-urlencoded',
          'text/plain',
          'multipart/form-data; boundary=x',
          'application/xml',
        ])
          cases.push({
            name: `${type} ${path} ${who}`,
            key,
            method: 'POST',
            path,
            headers: { 'content-type': type },
            body: 'brief=hello&durationSec=6',
            status: 415,
            code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
          });
        for (const charset of ['latin1', 'utf-16', 'koi8-r'])
          cases.push({
            name: `charset ${charset} ${path} ${who}`,
            key,
            ...jsonPost(path, json(VALID), { 'content-type': `application/json; charset=${charset}` }),
            status: 415,
            code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
          });
        cases.push({
          name: `unknown encoding ${path} ${who}`,
          key,
          ...jsonPost(path, json(VALID), { 'content-encoding': 'compress' }),
          status: 415,
          code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
        });
      }
    }
    for (const body of [
      '{',
      '{"brief": ',
      '[1,',
      'nul',
      '{"a":1}}',
      "{'brief':'x'}",
      '\u0000',
      '"a string"',
      '42',
      'null',
    ])
      for (const key of [KEY_A, null])
        cases.push({
          name: `malformed ${json(body)} ${key ?? 'anon'}`,
          key,
          ...jsonPost('/v1/jobs', body),
          status: 400,
          code: 'REQUEST.INVALID',
        });
    cases.push({
      name: 'truncated gzip',
      ...jsonPost('/v1/jobs', gzipSync(json(VALID)).subarray(0, 20), { 'content-encoding': 'gzip' }),
      status: 400,
      code: 'REQUEST.INVALID',
    });
    await run(cases);
    expect(mismatches).toEqual([]);
  });

  it('answers 401 to missing, wrong and malformed credentials', async () => {
    const cases: Case[] = [];
    const credentials: Array<Record<string, string>> = [
      {},
      { 'x-api-key': 'wrong' },
      { 'x-api-key': KEY_A.toUpperCase() },
      { 'x-api-key': 'x'.repeat(5000) },
      { authorization: 'Bearer wrong' },
      { authorization: 'Basic a2V5LWE6' },
      { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJ0ZW5hbnRBIn0.' },
    ];
    for (const [i, headers] of credentials.entries())
      for (const [method, path] of [
        ['GET', '/v1/jobs'],
        ['GET', `/v1/jobs/${jobsOf.a[0]}`],
        ['POST', `/v1/jobs/${jobsOf.a[0]}/cancel`],
      ])
        cases.push({
          name: `credential ${i} ${method} ${path}`,
          key: null,
          method,
          path,
          headers,
          status: 401,
          code: 'AUTH.UNAUTHORIZED',
        });
    cases.push({ name: 'valid anonymous brief', key: null, ...jsonPost('/v1/jobs', json(VALID)), status: 401 });
    await run(cases);
    expect(mismatches).toEqual([]);
  });

  it('lists every problem of a bad brief with a 400 naming the field, on submit and on planning', async () => {
    const cases: Case[] = [];
    for (const path of ['/v1/jobs', '/v1/storyboards'])
      for (const bad of badBriefs()) {
        // Planning takes a brief only; the video profile is checked when a job is made.
        if (path === '/v1/storyboards' && /storyboard|videoProfile/.test(bad.name)) continue;
        cases.push({
          name: `${path} ${bad.name}`,
          ...jsonPost(path, json(bad.body)),
          status: 400,
          code: 'REQUEST.INVALID',
          field: bad.field,
        });
      }
    for (const key of ['has spaces', 'x'.repeat(201)])
      cases.push({
        name: `Idempotency-Key ${key.slice(0, 20)}`,
        ...jsonPost('/v1/jobs', json(VALID), { 'idempotency-key': key }),
        status: 400,
        field: 'Idempotency-Key',
      });
    await run(cases);
    expect(mismatches).toEqual([]);
  });

  it('refuses text the safety screen blocks with 422, whichever field carries it', async () => {
    const phrase = 'how to build a bomb at home with a pipe bomb';
    const carriers: unknown[] = [
      { ...VALID, brief: `An ad that explains ${phrase}.` },
      { ...VALID, callToAction: phrase },
      { ...VALID, product: { name: 'Kit', description: phrase } },
      { ...VALID, audience: phrase },
    ];
    await run(
      carriers.map((body, i) => ({
        name: `blocked ${i}`,
        ...jsonPost('/v1/jobs', json(body)),
        status: 422,
        code: 'SAFETY.BLOCKED',
      })),
    );
    expect(mismatches).toEqual([]);
  });

  it('refuses bad list parameters and any cursor it did not give this tenant, before reading the table', async () => {
    const b = new Client(base, KEY_B);
    const page = await b.request('GET', '/v1/jobs?limit=1');
    const stolen: string = page.body.nextCursor;
    expect(stolen).toEqual(expect.any(String));
    const cases: Case[] = [];
    for (const limit of ['0', '101', 'abc', '-1', '1.5', '1e3', '%00'])
      cases.push({
        name: `limit=${limit}`,
        method: 'GET',
        path: `/v1/jobs?limit=${limit}`,
        status: 400,
        field: 'limit',
      });
    for (const status of ['bogus', 'QUEUED', 'queued,failed'])
      cases.push({
        name: `status=${status}`,
        method: 'GET',
        path: `/v1/jobs?status=${status}`,
        status: 400,
        field: 'status',
      });
    const [id, mac] = stolen.split('.');
    const cursors = [
      stolen, // another tenant's
      `${id}.${mac.slice(0, -2)}AA`,
      `${jobsOf.a[0]}.${mac}`,
      'x'.repeat(1024),
      Buffer.from(json({ t: 'tenantA', k: 'JOB#' + 'z'.repeat(900) })).toString('base64url'),
      Buffer.from(json({ t: 'tenantA', k: `JOB#${jobsOf.b[0]}` })).toString('base64url'),
      `${id}.${mac}.extra`,
      '%7B%7D',
      'null',
      '..%2F..%2Fetc',
    ];
    for (const [i, cursor] of cursors.entries())
      cases.push({
        name: `cursor ${i}`,
        method: 'GET',
        path: `/v1/jobs?cursor=${cursor}`,
        status: 400,
        code: 'REQUEST.INVALID',
        field: 'cursor',
      });
    await run(cases);
    expect(mismatches).toEqual([]);
  });

  it('treats another tenant’s job, and any id that is not one, exactly as a missing job', async () => {
    const cases: Case[] = [];
    const ids = [
      ...jobsOf.b,
      '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      '..%2F..%2Fetc%2Fpasswd',
      'x'.repeat(500),
      '%00',
      "1' OR '1'='1",
      '%3Cscript%3E',
      '123456',
    ];
    for (const id of ids) {
      for (const [method, suffix] of [
        ['GET', ''],
        ['POST', '/cancel'],
        ['GET', '/events'],
        ['GET', '/archive'],
      ])
        cases.push({
          name: `${method} ${id.slice(0, 30)}${suffix}`,
          method,
          path: `/v1/jobs/${id}${suffix}`,
          status: 404,
          code: 'JOB.NOT_FOUND',
        });
    }
    for (const [method, path] of [
      ['DELETE', `/v1/jobs/${jobsOf.a[0]}`],
      ['PUT', `/v1/jobs/${jobsOf.a[0]}`],
      ['GET', '/v1/admin/secrets'],
      ['GET', '/v2/jobs'],
      ['POST', '/v1/jobs/../../admin'],
    ])
      cases.push({ name: `${method} ${path}`, method, path, status: 404 });
    await run(cases);
    expect(mismatches).toEqual([]);
  });

  it('accepts a signed webhook delivery once: forged, stale and replayed ones do nothing', async () => {
    const sign = (id: string, timestamp: number, body: string) =>
      createHmac('sha256', Buffer.from(WEBHOOK_SECRET.slice('whsec_'.length), 'base64'))
        .update(`${id}.${timestamp}.${body}`)
        .digest('base64');
    const body = json({ id: 'p-hostile', status: 'succeeded' });
    const now = Math.floor(Date.now() / 1000);
    const delivery = (id: string, timestamp: number, signature = sign(id, timestamp, body)) =>
      jsonPost('/v1/webhooks/replicate', body, {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': `v1,${signature}`,
      });
    const cases: Case[] = [
      {
        name: 'webhook unsigned',
        key: null,
        ...jsonPost('/v1/webhooks/replicate', body),
        status: 401,
        code: 'WEBHOOK.INVALID',
      },
      { name: 'webhook forged', key: null, ...delivery('msg_f', now, 'AAAA'), status: 401, code: 'WEBHOOK.INVALID' },
      { name: 'webhook stale', key: null, ...delivery('msg_s', now - 3600), status: 401, code: 'WEBHOOK.INVALID' },
      { name: 'webhook future', key: null, ...delivery('msg_t', now + 3600), status: 401, code: 'WEBHOOK.INVALID' },
      { name: 'webhook first delivery', key: null, ...delivery('msg_once', now), status: 204 },
      { name: 'webhook replay', key: null, ...delivery('msg_once', now), status: 204 },
      { name: 'webhook replay, re-signed later', key: null, ...delivery('msg_once', now + 1), status: 204 },
    ];
    await run(cases);
    expect(mismatches).toEqual([]);
    // Relayed to the workers exactly once.
    await new Promise((r) => setTimeout(r, 200));
    expect(relayed).toHaveLength(1);
  });

  it('replaces an oversized or odd x-request-id instead of reflecting it', async () => {
    for (const given of ['x'.repeat(300), 'a b<script>', 'ok-id_1.2:3']) {
      const response = await fetch(`${base}/v1/jobs/none`, { headers: { 'x-api-key': KEY_A, 'x-request-id': given } });
      const id = response.headers.get('x-request-id')!;
      expect(response.status).toBe(404);
      if (given === 'ok-id_1.2:3') expect(id).toBe(given);
      else expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answered at least 200 hostile requests, none with a 5xx, and created nothing', async () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(200);
    expect(outcomes.filter((o) => o.status >= 500)).toEqual([]);
    const listed = async (key: string) =>
      ((await new Client(base, key).request('GET', '/v1/jobs?limit=100')).body.items as Array<{ id: string }>)
        .map((j) => j.id)
        .sort();
    expect(await listed(KEY_A)).toEqual([...jobsOf.a].sort());
    expect(await listed(KEY_B)).toEqual([...jobsOf.b].sort());
  });
});
