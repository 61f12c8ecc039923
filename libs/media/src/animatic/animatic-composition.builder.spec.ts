import { motifsFor, planComposition } from './animatic-composition.builder';

const palette = ['#1d3557', '#e63946', '#f1faee', '#a8dadc'];

describe(planComposition.name, () => {
  it('draws the same picture for the same prompt, palette and seed', () => {
    const a = planComposition({ visualPrompt: 'A runner at sunset', palette, seed: 7 }, 1600, 900);
    const b = planComposition({ visualPrompt: 'A runner at sunset', palette, seed: 7 }, 1600, 900);
    expect(a).toEqual(b);
  });

  it('draws a different picture for another seed or prompt', () => {
    const base = planComposition({ visualPrompt: 'A runner at sunset', palette, seed: 7 }, 1600, 900);
    expect(planComposition({ visualPrompt: 'A runner at sunset', palette, seed: 8 }, 1600, 900)).not.toEqual(base);
    expect(planComposition({ visualPrompt: 'A runner at dawn', palette, seed: 7 }, 1600, 900)).not.toEqual(base);
  });

  it('builds the background from the palette and shapes only from the palette, black and white', () => {
    const comp = planComposition(
      { visualPrompt: 'bottle on a beach in the city, a woman smiles', palette, seed: 1 },
      1600,
      900,
    );
    expect(comp.gradient.colors).toEqual(palette.slice(0, 3));
    for (const shape of comp.shapes) expect([...palette, '#000000', '#FFFFFF']).toContain(shape.color);
  });

  it.each([
    [1600, 900],
    [900, 1600],
    [1350, 1350],
  ])('keeps every shape on a %ix%i canvas with whole-pixel geometry', (width, height) => {
    for (let seed = 0; seed < 20; seed++) {
      const prompt = 'sun over the city skyline, a man with a phone by the sea';
      const comp = planComposition({ visualPrompt: prompt, palette, seed }, width, height);
      for (const s of comp.shapes) {
        const [w, h] = s.kind === 'box' ? [s.w, s.h] : [s.size, s.size];
        for (const v of [s.x, s.y, w, h]) expect(Number.isInteger(v)).toBe(true);
        expect(s.x).toBeGreaterThanOrEqual(0);
        expect(s.y).toBeGreaterThanOrEqual(0);
        expect(s.x + w).toBeLessThanOrEqual(width);
        expect(s.y + h).toBeLessThanOrEqual(height);
      }
    }
  });

  it('picks one motif from the seed when the prompt names none', () => {
    const comp = planComposition(
      { visualPrompt: 'Something abstract', palette: ['#000000', '#ffffff'], seed: 3 },
      1600,
      900,
    );
    expect(comp.shapes.length).toBeGreaterThan(2);
  });
});

describe(motifsFor.name, () => {
  it('reads motifs from the words of the prompt', () => {
    expect(motifsFor('Golden hour sun over a city skyline')).toEqual(['sky', 'city']);
    expect(motifsFor('Close-up of the bottle in a hand')).toEqual(['product']);
    expect(motifsFor('A family at the beach, waves')).toEqual(['figure', 'water']);
    expect(motifsFor('Abstract shapes')).toEqual([]);
  });
});
