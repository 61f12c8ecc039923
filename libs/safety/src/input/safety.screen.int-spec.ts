import { FakeOpenAiServer } from '@app/testing';
import { LlmJsonClient } from '@app/planner';
import { type SafetyAuditSink, SafetyScreen } from './safety.screen';

describe(`${SafetyScreen.name} with a moderation endpoint`, () => {
  let server: FakeOpenAiServer;
  let screen: SafetyScreen;
  const entries: Parameters<SafetyAuditSink['record']>[0][] = [];

  beforeAll(async () => {
    server = await FakeOpenAiServer.start({ moderation: { harassment: ['loser'], violence: ['smash his face'] } });
    const llm = new LlmJsonClient({ apiKey: 'k', baseUrl: server.url, model: 'm', timeoutMs: 2_000, maxRetries: 0 });
    screen = new SafetyScreen({ record: async (e) => void entries.push(e) }, llm);
  });
  afterAll(() => server.close());

  it('blocks what the server’s moderation flags, after the blocklist passed it', async () => {
    await expect(
      screen.enforce(['A gym ad where the coach yells loser at a beginner'], {
        tenantId: 't',
        actor: 'a',
        stage: 'submit',
      }),
    ).rejects.toMatchObject({
      code: 'SAFETY.BLOCKED',
      details: { category: 'harassment', source: 'moderation' },
    });
    expect(entries.at(-1)?.verdict).toMatchObject({ source: 'moderation', category: 'harassment' });
    const moderation = server.requests.find((r) => r.path === '/v1/moderations');
    expect(moderation?.body).toMatchObject({ model: 'omni-moderation-latest' });
  });

  it('asks moderation nothing when the blocklist already blocked', async () => {
    server.reset();
    await expect(screen.check(['Pills that cure cancer overnight'])).resolves.toMatchObject({
      allowed: false,
      source: 'blocklist',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('lets a clean brief through', async () => {
    await expect(screen.check(['Spring picnic, calm and hopeful'])).resolves.toMatchObject({ allowed: true });
  });
});
