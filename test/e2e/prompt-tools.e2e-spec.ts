import { type BuiltStack, KEY_A, startBuiltStack } from '../support/built-stack';
import { Client } from '../support/http';

const ALLERGY_TEXT =
  'A 30-second TV spot for Clarivo, a once-daily non-drowsy allergy tablet, for adults 30-55 with seasonal allergies. ' +
  'Calm, hopeful, sunlit. End on the line "Ask your doctor about Clarivo." Side effects include headache, dry mouth ' +
  'and drowsiness in rare cases. Take one 10 mg tablet daily. Use only as directed.';

describe('prompt tools over HTTP (template toolkit)', () => {
  let stack: BuiltStack;
  let client: Client;

  beforeAll(async () => {
    stack = await startBuiltStack();
    client = new Client(stack.baseUrl, KEY_A);
  });
  afterAll(() => stack?.stop());

  it('enhances a rough idea into a brief that POST /v1/jobs accepts', async () => {
    const { status, body } = await client.request('POST', '/v1/prompts/enhance', {
      idea: 'sneaker ad, neon, young runners, 15s vertical',
    });
    expect(status).toBe(200);
    expect(body.toolkit).toBe('template');
    expect(body.brief).toMatchObject({ durationSec: 15, aspectRatio: '9:16' });
    expect(body.brief.brief.length).toBeGreaterThan(60);
    expect(body.notes.length).toBeGreaterThan(0);
    const review = await client.request('POST', '/v1/storyboards', body.brief);
    expect(review.status).toBe(200);
    expect(review.body.storyboard.aspectRatio).toBe('9:16');
  });

  it('extracts brief fields from free text, compliance verbatim', async () => {
    const { status, body } = await client.request('POST', '/v1/prompts/extract', { text: ALLERGY_TEXT });
    expect(status).toBe(200);
    expect(body.fields).toMatchObject({
      durationSec: 30,
      product: { name: 'Clarivo' },
      callToAction: 'Ask your doctor about Clarivo.',
    });
    expect(body.fields.compliance.sideEffects).toEqual(expect.arrayContaining(['headache', 'dry mouth']));
    for (const item of [body.fields.compliance.dosage, body.fields.compliance.disclaimer])
      expect(ALLERGY_TEXT).toContain(item);
  });

  it('updates a storyboard minimally and lists the change', async () => {
    const brief = { brief: ALLERGY_TEXT, durationSec: 30, callToAction: 'Ask your doctor about Clarivo.' };
    const { body: review } = await client.request('POST', '/v1/storyboards', brief);
    const { status, body } = await client.request('POST', '/v1/prompts/update', {
      brief: review.brief,
      storyboard: review.storyboard,
      request: 'make scene 2 at night',
    });
    expect(status).toBe(200);
    expect(body.changes).toHaveLength(1);
    expect(body.changes[0]).toMatch(/scene 2/i);
    const before = review.storyboard.scenes;
    const after = body.storyboard.scenes;
    expect(after[1]).not.toEqual(before[1]);
    after.forEach((scene: unknown, i: number) => i !== 1 && expect(scene).toEqual(before[i]));
    // the edited storyboard renders as it is
    const job = await client.submit({ ...review.brief, storyboard: body.storyboard });
    expect(job.status).toBe(202);
  });

  it('offers n distinct variations that obey the brief', async () => {
    const brief = { brief: ALLERGY_TEXT, durationSec: 30 };
    const { body: review } = await client.request('POST', '/v1/storyboards', brief);
    const { status, body } = await client.request('POST', '/v1/prompts/variations', {
      brief: review.brief,
      storyboard: review.storyboard,
      n: 3,
    });
    expect(status).toBe(200);
    expect(body.items).toHaveLength(3);
    expect(new Set(body.items.map((i: { label: string }) => i.label)).size).toBe(3);
    for (const item of body.items) {
      expect(item.storyboard.durationSec).toBe(30);
      expect(item.storyboard.scenes.reduce((s: number, x: { durationSec: number }) => s + x.durationSec, 0)).toBe(30);
    }
  });

  it('answers 400 naming every problem of a bad request, and 422 for a blocked idea', async () => {
    const bad = await client.request('POST', '/v1/prompts/update', { storyboard: { scenes: [] }, request: '' });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['request', 'storyboard.title', 'storyboard.scenes']));
    const blocked = await client.request('POST', '/v1/prompts/enhance', {
      idea: 'ad for pills that cure cancer overnight',
    });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error.code).toBe('SAFETY.BLOCKED');
  });
});
