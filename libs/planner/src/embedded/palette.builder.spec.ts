import { buildPalette, type PaletteInput } from './palette.builder';
import { TONE_PROFILES } from './tone.profile';

const base: PaletteInput = { tone: TONE_PROFILES.calm, accentKey: 'Clarivo', seed: 7, beat: 'product' };
const lightness = (hex: string) => [1, 3, 5].reduce((sum, i) => sum + parseInt(hex.slice(i, i + 2), 16), 0);

describe(buildPalette.name, () => {
  it('puts the brand colours first, unchanged, when the brief has them', () => {
    for (const beat of ['hook', 'problem', 'benefit'] as const) {
      const palette = buildPalette({ ...base, beat, brandColors: ['#2e7d32', '#F9FBE7'] });
      expect(palette.slice(0, 2)).toEqual(['#2E7D32', '#F9FBE7']);
      expect(palette).toHaveLength(4);
    }
  });

  it('keeps to five colours when the brand has six', () => {
    const brandColors = ['#111111', '#222222', '#333333', '#444444', '#555555', '#666666'];

    expect(buildPalette({ ...base, brandColors })).toEqual(brandColors.slice(0, 5));
  });

  it('darkens problem scenes and brightens benefit scenes', () => {
    const total = (beat: PaletteInput['beat']) => buildPalette({ ...base, beat }).reduce((s, c) => s + lightness(c), 0);

    expect(total('problem')).toBeLessThan(total('product'));
    expect(total('benefit')).toBeGreaterThan(total('product'));
  });

  it('returns valid distinct colours, the same ones for the same input', () => {
    const palette = buildPalette(base);

    expect(palette.every((c) => /^#[0-9A-F]{6}$/.test(c))).toBe(true);
    expect(new Set(palette).size).toBe(palette.length);
    expect(buildPalette(base)).toEqual(palette);
  });
});
