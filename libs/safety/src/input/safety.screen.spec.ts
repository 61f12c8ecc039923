import { briefSchema, type Storyboard } from '@app/domain';
import { briefTexts, SafetyBlockedError, SafetyScreen, storyboardTexts } from './safety.screen';

const BLOCKED = 'a pipe bomb tutorial';

describe(SafetyScreen.name, () => {
  const audit = { record: jest.fn(async () => undefined) };
  const screen = new SafetyScreen(audit);
  const who = { tenantId: 't', actor: 't/key:x', stage: 'submit' };
  const base = { brief: 'A bumper for a bakery on the corner.' };

  async function blockedField(texts: Parameters<SafetyScreen['enforce']>[0]): Promise<string | undefined> {
    const error = await screen.enforce(texts, who).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SafetyBlockedError);
    return (error as SafetyBlockedError).details?.field as string | undefined;
  }

  it.each([
    ['watermark.text', { watermark: { text: BLOCKED } }],
    ['brand.name', { brand: { name: BLOCKED } }],
    ['compliance.sideEffects.1', { compliance: { sideEffects: ['headache', BLOCKED] } }],
    ['compliance.dosage', { compliance: { dosage: BLOCKED } }],
    ['compliance.disclaimer', { compliance: { disclaimer: BLOCKED } }],
  ])('blocks a phrase in %s and names the field', async (field, extra) => {
    expect(await blockedField(briefTexts(briefSchema.parse({ ...base, ...extra })))).toBe(field);
  });

  it('screens the narration a storyboard speaks, naming the scene', async () => {
    const storyboard = {
      title: 'Corner bakery',
      scenes: [
        { visualPrompt: 'bread', onScreenText: 'Fresh', narration: 'Warm bread daily.' },
        { visualPrompt: 'shop', onScreenText: 'Open', narration: `Learn ${BLOCKED}.` },
      ],
      endCard: { headline: 'Visit', callToAction: 'Today' },
      music: { mood: 'warm' },
    } as unknown as Storyboard;
    expect(await blockedField(storyboardTexts(storyboard))).toBe('storyboard.scenes.1.narration');
  });
});
