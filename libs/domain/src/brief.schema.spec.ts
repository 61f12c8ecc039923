import { briefSchema } from './brief.schema';
import { validateWith } from './validation';

describe('briefSchema', () => {
  it('fills the documented defaults', () => {
    const result = validateWith(briefSchema, { brief: 'Six-second bumper for a bakery.' });
    expect(result).toMatchObject({
      ok: true,
      value: { durationSec: 30, aspectRatio: '16:9', quality: 'preview', seed: 0, music: { enabled: true } },
    });
  });

  it('lists every problem with its field and reason', () => {
    const result = validateWith(briefSchema, {
      durationSec: 3.5,
      aspectRatio: '4:3',
      brand: { colors: ['green'] },
      compliance: { sideEffects: [''] },
      surprise: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const fields = result.problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'brief',
        'durationSec',
        'aspectRatio',
        'brand.colors.0',
        'compliance.sideEffects.0',
        '(body)',
      ]),
    );
    result.problems.forEach((p) => expect(p.reason).not.toBe(''));
  });

  it('rejects a body that is not an object', () => {
    expect(validateWith(briefSchema, 'make me an ad')).toMatchObject({ ok: false, problems: [{ field: '(body)' }] });
  });
});
