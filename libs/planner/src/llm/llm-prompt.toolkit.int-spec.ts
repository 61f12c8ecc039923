import { briefSchema, checkStoryboardAgainstBrief } from '@app/domain';
import { FakeOpenAiServer } from '@app/testing';
import { LlmJsonClient } from './llm-json.client';
import { LlmPromptToolkit } from './llm-prompt.toolkit';
import { TemplatePlanner } from '../embedded/template.planner';

const brief = briefSchema.parse({
  brief: 'A 30-second spot for Clarivo, a once-daily allergy tablet. Calm and hopeful.',
  durationSec: 30,
  callToAction: 'Ask your doctor about Clarivo.',
  compliance: { sideEffects: ['headache'], dosage: 'One 10 mg tablet daily.' },
});

describe(LlmPromptToolkit.name, () => {
  let server: FakeOpenAiServer;
  let toolkit: LlmPromptToolkit;

  beforeAll(async () => {
    server = await FakeOpenAiServer.start();
    toolkit = new LlmPromptToolkit(
      new LlmJsonClient({ apiKey: 'k', baseUrl: server.url, model: 'm', timeoutMs: 5_000, maxRetries: 0 }),
    );
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('never lets the model invent compliance wording the text does not state', async () => {
    const text = 'Clarivo allergy tablet ad. Side effects include headache. Take one 10 mg tablet daily.';
    server.enqueue({
      kind: 'json',
      content: {
        fields: {
          product: { name: 'Clarivo' },
          compliance: {
            sideEffects: ['headache', 'liver failure'],
            dosage: 'Take one 10 mg tablet daily.',
            disclaimer: 'Safe for everyone.',
          },
        },
        missing: ['audience'],
      },
    });
    const { fields, missing } = await toolkit.extract(text);
    expect(fields.compliance).toEqual({
      sideEffects: ['headache'],
      dosage: 'Take one 10 mg tablet daily.',
      disclaimer: undefined,
    });
    expect(missing).toEqual(['audience']);
    expect(server.chatRequests()[0].messages[1].content).toContain('```json');
  });

  it('holds an updated storyboard to its brief whatever the model changed', async () => {
    const storyboard = await new TemplatePlanner().plan(brief);
    const edited = {
      ...storyboard,
      durationSec: 45,
      scenes: storyboard.scenes.map((s, i) => (i === 1 ? { ...s, visualPrompt: `${s.visualPrompt}, at night` } : s)),
      endCard: { ...storyboard.endCard, callToAction: 'Buy today' },
    };
    server.enqueue({ kind: 'json', content: { storyboard: edited, changes: ['scene 2: at night'] } });
    const result = await toolkit.update({ kind: 'storyboard', storyboard, brief }, 'make scene 2 at night');
    expect(result.changes).toEqual(['scene 2: at night']);
    expect(result.storyboard!.scenes[1].visualPrompt).toMatch(/at night$/);
    expect(checkStoryboardAgainstBrief(result.storyboard!, brief)).toEqual([]);
    expect(result.storyboard!.endCard.callToAction).toBe('Ask your doctor about Clarivo.');
  });

  it('asks again when the model returns the wrong number of variations', async () => {
    const storyboard = await new TemplatePlanner().plan(brief);
    server.enqueue(
      { kind: 'json', content: { items: [{ label: 'only one', storyboard }] } },
      {
        kind: 'json',
        content: {
          items: [
            { label: 'a', storyboard },
            { label: 'b', storyboard },
          ],
        },
      },
    );
    const { items } = await toolkit.variations({ kind: 'storyboard', storyboard, brief }, 2);
    expect(items.map((i) => i.label)).toEqual(['a', 'b']);
    expect(server.chatRequests()).toHaveLength(2);
    expect(server.chatRequests()[1].messages.at(-1)!.content).toContain('exactly 2 items');
  });
});
