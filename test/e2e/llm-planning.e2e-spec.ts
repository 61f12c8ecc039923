import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { briefSchema } from '@app/domain';
import { TemplatePlanner } from '@app/planner';
import { FakeOpenAiServer } from '@app/testing';
import { type BuiltStack, KEY_A, KEY_ADMIN, startBuiltStack } from '../support/built-stack';
import { Client } from '../support/http';
import { download, ffmpeg } from '../support/media-checks';

const BRIEF = { brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough loaf.', durationSec: 6 };

describe('planning with an OpenAI-compatible server, end to end', () => {
  let llm: FakeOpenAiServer;
  let stack: BuiltStack;
  let client: Client;
  let work: string;

  beforeAll(async () => {
    llm = await FakeOpenAiServer.start({ apiKey: 'sk-local', moderation: { harassment: ['worthless loser'] } });
    stack = await startBuiltStack({
      env: {
        OPENAI_BASE_URL: llm.url,
        OPENAI_API_KEY: 'sk-local',
        OPENAI_MODEL: 'fake-model',
        OPENAI_MAX_RETRIES: '1',
      },
    });
    client = new Client(stack.baseUrl, KEY_A);
    work = mkdtempSync(join(tmpdir(), 'reelsmith-llm-'));
  });
  afterAll(async () => {
    await stack?.stop();
    await llm?.close();
    rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => llm.reset());

  it('shows the LLM planner and moderation as active in health', async () => {
    const { body } = await new Client(stack.baseUrl, KEY_ADMIN).request('GET', '/v1/health');
    expect(body.backends).toMatchObject({ planner: 'openai', plannerModel: 'fake-model', moderation: true });
  });

  it('renders a job planned by the LLM to a completed MP4, recording model, tokens and latency', async () => {
    llm.setDefault({ kind: 'json', content: await modelAnswerFor(BRIEF) });
    const { body } = await client.submit(BRIEF);
    const job = await client.waitFor(body.id, (j) => ['completed', 'failed'].includes(j.status));
    expect(job.status).toBe('completed');
    expect((job as unknown as { planning: Record<string, unknown> }).planning).toMatchObject({
      planner: 'openai',
      model: 'fake-model',
      calls: 1,
      repaired: false,
    });
    expect((job as unknown as { planning: { promptTokens: number } }).planning.promptTokens).toBeGreaterThan(0);
    const [request] = llm.chatRequests();
    expect(request.response_format?.type).toBe('json_schema');
    const probe = await ffmpeg.probe(await download(job.outputs.find((o) => o.type === 'video')!.url, work, 'llm.mp4'));
    expect(probe.video?.codec).toBe('h264');
    expect(Math.abs(probe.durationSec - 6)).toBeLessThanOrEqual(0.25);
  });

  it('fails the job with PLANNER.INVALID_STORYBOARD after one repair, without retrying the step', async () => {
    llm.enqueue({ kind: 'text', content: 'not json at all' }, { kind: 'json', content: { title: 'still wrong' } });
    llm.setDefault({ kind: 'json', content: await modelAnswerFor(BRIEF) });
    const { body } = await client.submit(BRIEF);
    const job = await client.waitFor(body.id, (j) => ['completed', 'failed'].includes(j.status));
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('PLANNER.INVALID_STORYBOARD');
    await new Promise((r) => setTimeout(r, 3_000)); // a retried step would call again
    expect(llm.chatRequests()).toHaveLength(2);
  });

  it('plans for review, then renders the edited storyboard without planning again', async () => {
    llm.setDefault({ kind: 'json', content: await modelAnswerFor(BRIEF) });
    const review = await client.request('POST', '/v1/storyboards', BRIEF);
    expect(review.status).toBe(200);
    expect(review.body.planning).toMatchObject({ planner: 'openai', model: 'fake-model' });
    const edited = structuredClone(review.body.storyboard);
    edited.scenes[0].onScreenText = 'Baked at 4 a.m.';
    const calls = llm.chatRequests().length;

    const bad = await client.submit({
      ...BRIEF,
      storyboard: { ...edited, scenes: edited.scenes.map((s: object) => ({ ...s, durationSec: 5 })) },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.problems.map((p: { field: string }) => p.field)).toContain('storyboard.scenes');

    const { status, body } = await client.submit({ ...BRIEF, storyboard: edited });
    expect(status).toBe(202);
    const job = await client.waitFor(body.id, (j) => ['completed', 'failed'].includes(j.status));
    expect(job.status).toBe('completed');
    expect((job as unknown as { planning: { planner: string } }).planning.planner).toBe('provided');
    expect(llm.chatRequests()).toHaveLength(calls);
  });

  it('answers 422 SAFETY.BLOCKED for a blocked brief, creates nothing, and keeps an audit record without the text', async () => {
    const before = (await client.request('GET', '/v1/jobs?limit=100')).body.items.length;
    const blocked = await client.submit({
      brief: 'A supplement ad: our miracle cure melts fat with guaranteed weight loss.',
    });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error).toMatchObject({
      code: 'SAFETY.BLOCKED',
      category: 'health/deceptive-claims',
      source: 'blocklist',
    });
    const moderated = await client.submit({ brief: 'A gym ad where the coach calls a beginner a worthless loser.' });
    expect(moderated.status).toBe(422);
    expect(moderated.body.error).toMatchObject({
      code: 'SAFETY.BLOCKED',
      category: 'harassment',
      source: 'moderation',
    });
    expect((await client.request('GET', '/v1/jobs?limit=100')).body.items.length).toBe(before);

    const audit = await client.request('GET', '/v1/safety/audit');
    expect(audit.status).toBe(200);
    const [latest, earlier] = audit.body.items;
    expect(latest).toMatchObject({ stage: 'submit', category: 'harassment', source: 'moderation' });
    expect(earlier).toMatchObject({ stage: 'submit', category: 'health/deceptive-claims' });
    expect(latest.actor).toMatch(/^tenantA\/key:[0-9a-f]{12}$/);
    expect(latest.promptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(audit.body)).not.toMatch(/miracle|loser/);
    expect(stack.logs()).not.toMatch(/miracle|loser/);
  });
});

/** What a well-behaved model answers for a brief (the template's plan, retitled). */
async function modelAnswerFor(raw: unknown) {
  const storyboard = await new TemplatePlanner().plan(briefSchema.parse(raw));
  return { ...storyboard, title: `LLM: ${storyboard.title}` };
}
