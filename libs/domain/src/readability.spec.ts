import { isHardTerm, readabilityOf, syllableCount } from './readability';

describe('readability', () => {
  it('counts syllables the usual way', () => {
    expect(['dry', 'headache', 'tablet', 'directed', 'drowsiness', 'nasopharyngitis'].map(syllableCount)).toEqual([
      1, 2, 2, 2, 3, 6,
    ]);
  });

  it('grades a plain statement below the target with no hard terms', () => {
    const r = readabilityOf('Side effects may include headache, dry mouth. Use only as directed.');

    expect(r.fleschKincaidGrade).toBeLessThanOrEqual(r.targetGrade);
    expect(r.hardTerms).toEqual([]);
  });

  it('lists the jargon of a clinical statement and grades it above the target', () => {
    const r = readabilityOf(
      'Side effects may include somnolence, xerostomia and nasopharyngitis. Contraindicated in hepatic impairment.',
    );

    expect(r.fleschKincaidGrade).toBeGreaterThan(8);
    expect(r.hardTerms).toEqual(['somnolence', 'xerostomia', 'nasopharyngitis', 'Contraindicated', 'impairment']);
    expect(isHardTerm('drowsiness')).toBe(false);
  });
});
