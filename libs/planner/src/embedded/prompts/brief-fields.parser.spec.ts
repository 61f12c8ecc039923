import { SAMPLE_BRIEFS } from '../sample-briefs.fixture';
import { extractBriefFields } from './brief-fields.parser';
import { ALLERGY_TEXT, SNEAKER_IDEA } from './prompt-samples.fixture';

describe(extractBriefFields.name, () => {
  it('finds product, tone, style, format, call to action and verbatim compliance in the allergy brief', () => {
    const { fields, missing } = extractBriefFields(ALLERGY_TEXT);

    expect(fields).toEqual({
      product: { name: 'Clarivo', description: 'once-daily non-drowsy allergy tablet' },
      tone: 'calm, hopeful',
      style: 'sunlit',
      durationSec: 30,
      aspectRatio: '16:9',
      callToAction: 'Breathe in spring.',
      compliance: {
        sideEffects: ['headache', 'dry mouth', 'drowsiness in rare cases'],
        dosage: 'Take one 10 mg tablet daily.',
        disclaimer: 'Use only as directed.',
      },
    });
    expect(missing).toEqual(['audience']);
  });

  it('quotes every compliance item verbatim from the text', () => {
    const { compliance } = extractBriefFields(ALLERGY_TEXT).fields;
    const items = [...compliance!.sideEffects!, compliance!.dosage!, compliance!.disclaimer!];

    expect(items.every((item) => ALLERGY_TEXT.includes(item))).toBe(true);
  });

  it('finds only what a rough idea states', () => {
    expect(extractBriefFields(SNEAKER_IDEA)).toEqual({
      fields: { audience: 'young runners', style: 'neon' },
      missing: ['product', 'tone', 'durationSec', 'aspectRatio', 'callToAction'],
    });
  });

  it('reads audiences, may-cause side effects, joined dosage sentences and disclaimers', () => {
    const { fields } = extractBriefFields(
      'A 20-second spot for Nasalix spray, for adults 30-55 with hay fever. May cause nosebleeds, sneezing or a dry throat. Adults take two sprays daily. Do not exceed 4 sprays in 24 hours. Not for children under 12. Keep out of reach of children.',
    );

    expect(fields.audience).toBe('adults 30-55 with hay fever');
    expect(fields.compliance).toEqual({
      sideEffects: ['nosebleeds', 'sneezing', 'a dry throat'],
      dosage: 'Adults take two sprays daily. Do not exceed 4 sprays in 24 hours.',
      disclaimer: 'Not for children under 12. Keep out of reach of children.',
    });
  });

  it('never invents compliance and lists it as missing when a medicine ad has none', () => {
    const { fields, missing } = extractBriefFields(
      'A calm 15-second ad for Clarivo allergy tablets, aimed at busy parents.',
    );

    expect(fields.compliance).toBeUndefined();
    expect(fields.audience).toBe('busy parents');
    expect(missing).toEqual(
      expect.arrayContaining(['compliance.sideEffects', 'compliance.dosage', 'compliance.disclaimer']),
    );
  });

  it('does not read who must not take a medicine as its audience', () => {
    expect(extractBriefFields('A fun ad for Fizz cola. Not for children under 3.').fields.audience).toBeUndefined();
  });

  it('reads a platform as a format, a quoted CTA line and a name after the, from the sneaker sample', () => {
    const { fields } = extractBriefFields(`${SAMPLE_BRIEFS.sneaker15sVertical.brief} CTA: 'Run brighter.'`);

    expect(fields).toMatchObject({
      product: { name: 'Volt Runner' },
      durationSec: 15,
      aspectRatio: '9:16',
      callToAction: 'Run brighter.',
    });
    expect(fields.audience).toBeUndefined();
  });

  it('leaves out a length no ad can have', () => {
    expect(extractBriefFields('A 5-minute film for our bank.').fields.durationSec).toBeUndefined();
  });
});
