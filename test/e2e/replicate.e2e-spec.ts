import { FakeReplicateServer } from '@app/testing';
import { type BuiltStack, KEY_A, startBuiltStack } from '../support/built-stack';
import { Client, type JobView } from '../support/http';

const TOKEN = 'r8_local_test_token';
const SECRET = `whsec_${Buffer.from('reelsmith-e2e-webhook-secret').toString('base64')}`;
const BRIEF = {
  brief:
    '15-second vertical ad for the Volt Runner sneaker: one continuous shot from a dark tunnel into neon streets, then a hard cut to the shoe.',
  durationSec: 15,
  aspectRatio: '9:16',
  product: { name: 'Volt Runner' },
  tone: 'energetic',
  music: { enabled: false },
};

type UsageView = JobView & { usage: { costUsd: number; estimatedCostUsd: number | null; items: unknown[] } };

describe('a hosted video backend (local Replicate server), end to end', () => {
  let replicate: FakeReplicateServer;
  let stack: BuiltStack;
  let client: Client;

  beforeAll(async () => {
    replicate = await FakeReplicateServer.start({
      tokens: [TOKEN],
      webhookSecret: SECRET,
      startingMs: 200,
      processingMs: 1_000,
    });
    stack = await startBuiltStack({
      env: { REPLICATE_API_TOKEN: TOKEN, REPLICATE_BASE_URL: replicate.url, REPLICATE_WEBHOOK_SECRET: SECRET },
    });
    client = new Client(stack.baseUrl, KEY_A);
  });
  afterAll(async () => {
    await stack?.stop();
    await replicate?.close();
  });

  it('renders with Kling, chained scenes starting from the previous last frame, and records the cost', async () => {
    const health = await new Client(stack.baseUrl, null).request('GET', '/v1/health');
    expect(health.body.backends.realVideoBackend).toBe(true);

    const { body } = await client.submit(BRIEF);
    const job = (await client.waitFor(
      body.id,
      (j) => ['completed', 'failed'].includes(j.status),
      240_000,
    )) as UsageView;
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');
    const creates = replicate.requestsTo('POST', /\/predictions$/);
    expect(creates).toHaveLength(job.scenes.length);
    const inputs = creates.map((c) => (c.json as { input: Record<string, unknown> }).input);
    const withStart = inputs.filter((i) => typeof i.start_image === 'string');
    expect(withStart).toHaveLength(job.scenes.filter((s) => s.seededFrom !== null).length);
    withStart.forEach((i) => expect(i.start_image).toMatch(/^data:image\/png;base64,/));
    inputs.forEach((i) => expect([5, 10]).toContain(i.duration));
    expect(job.usage.costUsd).toBeGreaterThan(0);
    expect(job.usage.estimatedCostUsd).toBeGreaterThan(0);
  });

  it('fails a job that would exceed its budget before paying for anything', async () => {
    const before = replicate.createCount;
    const { body } = await client.submit({ ...BRIEF, budgetUsd: 0.1 });
    const job = await client.waitFor(body.id, (j) => ['completed', 'failed'].includes(j.status), 60_000);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('BUDGET.EXCEEDED');
    expect(replicate.createCount).toBe(before);
  });

  it('accepts only webhooks signed with the secret', async () => {
    const forged = await fetch(`${stack.baseUrl}/v1/webhooks/replicate`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_1',
        'webhook-timestamp': `${Math.floor(Date.now() / 1000)}`,
        'webhook-signature': 'v1,AAAA',
      },
      body: JSON.stringify({ id: 'p1', status: 'succeeded' }),
    });
    expect(forged.status).toBe(401);
  });
});
