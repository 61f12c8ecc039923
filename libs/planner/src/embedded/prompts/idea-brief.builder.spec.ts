import { AppError, briefSchema, checkStoryboardAgainstBrief, storyboardSchema } from '@app/domain';
import { TemplatePlanner } from '../template.planner';
import { enhanceIdea } from './idea-brief.builder';
import { ALLERGY_TEXT, SNEAKER_IDEA } from './prompt-samples.fixture';

describe(enhanceIdea.name, () => {
  it('turns the sneaker idea into a full brief with a hook, setting, product moment and closing line', () => {
    const { brief, notes } = enhanceIdea(SNEAKER_IDEA);

    expect(brief).toEqual(briefSchema.parse(brief));
    expect(brief).toMatchObject({
      durationSec: 30,
      aspectRatio: '16:9',
      audience: 'young runners',
      tone: 'energetic, bold',
      callToAction: 'Shop now.',
      music: { mood: 'driving electronic', enabled: true },
    });
    expect(brief.product).toBeUndefined();
    expect(brief.compliance).toBeUndefined();
    expect(brief.brief).toContain('Open on young runners on neon-lit city streets at night.');
    expect(brief.brief).toContain('close-up of the sneaker');
    expect(brief.brief).toContain("End on the sneaker and the line 'Feel every stride.'");
    expect(notes).toEqual(
      expect.arrayContaining([
        'assumed duration 30 s: no length given',
        'assumed aspect ratio 16:9: no platform or format given',
        "inferred audience 'young runners' from 'young runners'",
      ]),
    );
  });

  it.each([
    ['sneaker ad, 15 s, for TikTok', 15, '9:16'],
    ['a 30-second square ad for a bakery', 30, '1:1'],
    ['half a minute, vertical, coffee', 30, '9:16'],
    ['Instagram feed post for a candle shop', 30, '1:1'],
    ['a six-second bumper for a bank', 6, '16:9'],
  ])('reads the length and format stated in %p', (idea, durationSec, aspectRatio) => {
    expect(enhanceIdea(idea).brief).toMatchObject({ durationSec, aspectRatio });
  });

  it('names the product from capitalised words or "for X", and closes on its own call to action', () => {
    expect(enhanceIdea('Volt Runner sneakers, 15s vertical, fun').brief).toMatchObject({
      product: { name: 'Volt Runner' },
      tone: 'fun',
      aspectRatio: '9:16',
    });
    expect(enhanceIdea('allergy tablet ad for Clarivo, for busy parents').brief).toMatchObject({
      product: { name: 'Clarivo' },
      audience: 'busy parents',
      tone: 'calm, reassuring',
      callToAction: 'Ask your doctor about Clarivo.',
    });
  });

  it('keeps a stated call to action and clamps a length no ad can have, saying so', () => {
    const { brief, notes } = enhanceIdea("a 5-minute travel film, CTA: 'Book your escape.'");

    expect(brief.callToAction).toBe('Book your escape.');
    expect(brief.durationSec).toBe(120);
    expect(notes).toContain("assumed duration 120 s: '5-minute' is outside 6-120 whole seconds");
  });

  it('keeps a detailed brief as written, moving its compliance sentences into the compliance block', () => {
    const { brief } = enhanceIdea(ALLERGY_TEXT);

    expect(brief.compliance).toEqual({
      sideEffects: ['headache', 'dry mouth', 'drowsiness in rare cases'],
      dosage: 'Take one 10 mg tablet daily.',
      disclaimer: 'Use only as directed.',
    });
    expect(brief.brief).toContain('Open on a family picnic ruined by sneezing');
    expect(brief.brief).not.toContain('Side effects');
    expect(brief.brief).not.toContain('10 mg');
  });

  it('never writes compliance the idea does not contain, but notes that a medicine ad needs it', () => {
    const { brief, notes } = enhanceIdea('calm allergy tablet ad');

    expect(brief.compliance).toBeUndefined();
    expect(notes).toContain('no compliance text given: add side effects, dosage and disclaimer');
  });

  it('returns deep-equal results for the same idea', () => {
    expect(enhanceIdea(SNEAKER_IDEA)).toEqual(enhanceIdea(SNEAKER_IDEA));
  });

  it('gives the planner a brief it plans into a valid storyboard that uses the idea', async () => {
    for (const idea of [SNEAKER_IDEA, 'Volt Runner sneakers, 15s vertical, fun', 'x', ALLERGY_TEXT]) {
      const { brief } = enhanceIdea(idea);
      const storyboard = await new TemplatePlanner().plan(brief);
      expect(storyboardSchema.safeParse(storyboard).success).toBe(true);
      expect(checkStoryboardAgainstBrief(storyboard, brief)).toEqual([]);
    }
    const { brief } = enhanceIdea(SNEAKER_IDEA);
    const storyboard = await new TemplatePlanner().plan(brief);
    expect(storyboard.scenes[0].visualPrompt).toContain('young runners on neon-lit city streets at night');
  });

  it('rejects an idea with no words in it', () => {
    expect(() => enhanceIdea('  ?! ')).toThrow(AppError);
  });
});
