import { readSse } from '../../apps/stack/src/sse-client';
import { type ApiProcesses, startApiProcesses } from '../support/api-processes';
import { Client } from '../support/http';

const BRIEF = { brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough.', durationSec: 6 };
const SUBMITS_PER_WINDOW = 6;
const READS_PER_WINDOW = 20;
const LIVE_JOBS = 4;
const STREAMS = 2;

/**
 * Two API processes sharing one Redis: a tenant's budgets are counted once across both, so the
 * 429s appear at the configured rate whichever process a request reaches.
 */
describe('limits across API processes', () => {
  let api: ApiProcesses;
  const clients = (key: string) => api.urls.map((url) => new Client(url, key));

  beforeAll(async () => {
    api = await startApiProcesses(2, {
      API_KEYS: 'key-a=tenantA,key-b=tenantB,key-c=tenantC,key-d=tenantD',
      // Windows far longer than the suite, so no budget refills while it runs.
      RATE_LIMITS: `submit=${SUBMITS_PER_WINDOW}/3600,reads=${READS_PER_WINDOW}/3600,sse=1000/3600`,
      MAX_LIVE_JOBS_PER_TENANT: String(LIVE_JOBS),
      MAX_SSE_STREAMS_PER_TENANT: String(STREAMS),
      SSE_MAX_LIFETIME_SEC: '5',
    });
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('refuses submits past the live-job quota, then past the rate, alternating between the processes', async () => {
    const [one, two] = clients('key-a');
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await (i % 2 ? two : one).submit(BRIEF));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 429, 429, 429, 429]);
    expect(answers.slice(4, 6).map((a) => a.body.error.code)).toEqual(['QUOTA.EXCEEDED', 'QUOTA.EXCEEDED']);
    expect(answers.slice(6).map((a) => a.body.error.code)).toEqual(['REQUEST.RATE_LIMITED', 'REQUEST.RATE_LIMITED']);
    const limited = answers[7];
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-limit')).toBe(String(SUBMITS_PER_WINDOW));
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect(answers[0].headers.get('ratelimit-remaining')).toBe(String(SUBMITS_PER_WINDOW - 1));
    // Only the accepted submits made jobs.
    expect((await one.request('GET', '/v1/jobs?limit=50')).body.items).toHaveLength(LIVE_JOBS);
  });

  it('counts a cancelled job out of the live-job quota', async () => {
    const [one, two] = clients('key-b');
    const ids: string[] = [];
    for (let i = 0; i < LIVE_JOBS; i++) ids.push((await (i % 2 ? two : one).submit(BRIEF)).body.id);
    expect((await one.submit(BRIEF)).status).toBe(429);
    expect((await two.request('POST', `/v1/jobs/${ids[0]}/cancel`)).status).toBe(202);
    expect((await one.submit(BRIEF)).status).toBe(202);
  });

  it('answers 429 to reads past the rate, and other tenants keep their own budget', async () => {
    const [one, two] = clients('key-c');
    const statuses = [];
    for (let i = 0; i < READS_PER_WINDOW + 2; i++)
      statuses.push((await (i % 2 ? two : one).request('GET', '/v1/jobs?limit=1')).status);
    expect(statuses).toEqual([...Array(READS_PER_WINDOW).fill(200), 429, 429]);
    expect((await clients('key-d')[1].request('GET', '/v1/jobs?limit=1')).status).toBe(200);
  });

  it('caps open event streams per tenant across processes; a stream ends at its lifetime and resumes', async () => {
    const [one, two] = clients('key-d');
    const { id } = (await one.submit(BRIEF)).body;
    const open = (client: Client, headers: Record<string, string> = {}) =>
      fetch(`${client.baseUrl}/v1/jobs/${id}/events`, { headers: { 'x-api-key': 'key-d', ...headers } });
    const first = await open(one);
    const second = await open(two);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await open(one);
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('QUOTA.EXCEEDED');

    // The first stream runs to its maximum lifetime and the server closes it (the job is still queued).
    const seen = [];
    for await (const event of readSse(first.body!)) if (event.event === 'job') seen.push(Number(event.id));
    expect(seen).toEqual([1]);
    // Its slot is free again; resuming from the last event id sends nothing already seen.
    const resumed = await open(two, { 'last-event-id': String(seen[0]) });
    expect(resumed.status).toBe(200);
    await Promise.all([second.body!.cancel(), resumed.body!.cancel()]);
  });
});
