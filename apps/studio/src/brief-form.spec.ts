import { EMPTY_FORM, fromBrief, placeProblems, toBrief } from './brief-form';

describe('brief form', () => {
  it('sends only what was filled in, in the shape the API takes', () => {
    const brief = toBrief({
      ...EMPTY_FORM,
      brief: '  Six-second bumper for a bakery.  ',
      durationSec: '6',
      extraRatios: ['9:16'],
      productName: 'Crumb',
      brandColors: '#112233, #445566',
      sideEffects: 'headache\ndry mouth\n',
      budgetUsd: '0.5',
    });
    expect(brief).toEqual({
      brief: 'Six-second bumper for a bakery.',
      durationSec: 6,
      aspectRatio: '16:9',
      aspectRatios: ['16:9', '9:16'],
      reframe: 'blur',
      product: { name: 'Crumb' },
      brand: { colors: ['#112233', '#445566'] },
      compliance: { sideEffects: ['headache', 'dry mouth'] },
      music: { enabled: true },
      voiceover: { enabled: true },
      loudness: 'streaming',
      budgetUsd: 0.5,
      quality: 'preview',
    });
  });

  it('passes text the API must judge as it is (a duration that is not a number)', () => {
    expect(toBrief({ ...EMPTY_FORM, durationSec: 'soon' }).durationSec).toBe('soon');
  });

  it('round-trips a full sample brief', () => {
    const sample = {
      brief: 'A 30-second TV spot for Clarivo.',
      durationSec: 30,
      aspectRatio: '16:9',
      product: { name: 'Clarivo', description: 'allergy relief' },
      audience: 'adults',
      tone: 'calm',
      style: 'sunlit',
      callToAction: 'Ask your doctor about Clarivo.',
      brand: { name: 'Clarivo', colors: ['#2E7D32', '#F9FBE7'], font: 'DejaVu Sans' },
      compliance: {
        sideEffects: ['headache', 'dry mouth'],
        dosage: 'One tablet daily.',
        disclaimer: 'Use as directed.',
      },
      music: { mood: 'uplifting acoustic', enabled: true },
      voiceover: { enabled: false },
      loudness: 'broadcast',
      quality: 'final',
      seed: 7,
    };
    expect(toBrief(fromBrief(sample))).toEqual({ ...sample });
  });

  it('places each problem next to the field it names', () => {
    const placed = placeProblems([
      { field: 'brief', reason: 'must be at least 10 characters' },
      { field: 'durationSec', reason: 'Too big' },
      { field: 'brand.colors.1', reason: 'must be a #RRGGBB colour' },
      { field: 'compliance.dosage', reason: 'Too long' },
      { field: 'storyboard.scenes.2.narration', reason: 'must be speakable in 2s' },
      { field: 'storyboard.scenes', reason: 'durations sum to 7s, not 6s' },
    ]);
    expect(placed.fields).toEqual({
      brief: ['must be at least 10 characters'],
      durationSec: ['Too big'],
      brandColors: ['item 2: must be a #RRGGBB colour'],
      dosage: ['Too long'],
    });
    expect(placed.scenes).toEqual({ 2: { narration: ['must be speakable in 2s'] } });
    expect(placed.general).toEqual(['Scene durations: durations sum to 7s, not 6s']);
  });
});
