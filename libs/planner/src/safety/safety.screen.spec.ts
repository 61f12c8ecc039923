import { matchBlockedCategory } from './blocked-categories';
import { SafetyBlockedError, SafetyScreen, type SafetyAuditSink } from './safety.screen';

class MemoryAudit implements SafetyAuditSink {
  entries: Parameters<SafetyAuditSink['record']>[0][] = [];
  async record(entry: Parameters<SafetyAuditSink['record']>[0]) {
    this.entries.push(entry);
  }
}

describe(matchBlockedCategory.name, () => {
  it.each([
    ['Our tea cures cancer in two weeks.', 'health/deceptive-claims'],
    ['Order cocaine delivered to your door', 'drugs/illegal'],
    ['A gory beheading scene to sell knives', 'violence/graphic'],
    ['Buy now, no prescription needed', 'health/deceptive-claims'],
  ])('blocks %j as %s', (text, category) => expect(matchBlockedCategory(text)?.id).toBe(category));

  it.each([
    'A 30-second TV spot for Clarivo, a once-daily allergy tablet. Ask your doctor.',
    'A public service ad for a suicide prevention hotline: you are not alone, call 988.',
    'A smoke alarm ad: the kitchen fills with smoke, the family wakes up safe.',
    'Running shoes for kids, bright colours, playground at sunset.',
  ])('lets %j through', (text) => expect(matchBlockedCategory(text)).toBeNull());
});

describe(SafetyScreen.name, () => {
  it('audits a block with who, stage, reason and the prompt hash, never the prompt', async () => {
    const audit = new MemoryAudit();
    const screen = new SafetyScreen(audit, null);
    const texts = ['Our miracle cure reverses ageing'];
    const error = await screen
      .enforce(texts, { tenantId: 't', actor: 't/key:abc', stage: 'submit' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetyBlockedError);
    expect(error).toMatchObject({ code: 'SAFETY.BLOCKED', options: { status: 422 } });
    expect(audit.entries).toHaveLength(1);
    const [entry] = audit.entries;
    expect(entry).toMatchObject({
      tenantId: 't',
      actor: 't/key:abc',
      stage: 'submit',
      verdict: { category: 'health/deceptive-claims' },
    });
    expect(entry.verdict.promptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(entry)).not.toContain('miracle');
  });

  it('passes clean text without auditing anything', async () => {
    const audit = new MemoryAudit();
    const verdict = await new SafetyScreen(audit, null).enforce(['A calm spring picnic'], {
      tenantId: 't',
      actor: 'a',
      stage: 'submit',
    });
    expect(verdict.allowed).toBe(true);
    expect(audit.entries).toEqual([]);
  });
});
