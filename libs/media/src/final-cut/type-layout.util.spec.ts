import { outputSpecFor } from '@app/domain';
import { fitBlock, typeLayout } from './type-layout.util';

describe(typeLayout.name, () => {
  it.each([
    [
      '16:9',
      { titleX: 128, titleY: 72, actionX: 64, actionY: 36, sceneSize: 40, headlineSize: 61, complianceSize: 29 },
    ],
    [
      '9:16',
      { titleX: 72, titleY: 128, actionX: 36, actionY: 64, sceneSize: 40, headlineSize: 61, complianceSize: 41 },
    ],
    [
      '1:1',
      { titleX: 108, titleY: 108, actionX: 54, actionY: 54, sceneSize: 59, headlineSize: 92, complianceSize: 43 },
    ],
  ] as const)('scales type and safe margins to %s', (ratio, expected) => {
    const layout = typeLayout(outputSpecFor(ratio));
    expect(layout).toMatchObject(expected);
    expect(layout.complianceMinSize).toBeGreaterThanOrEqual(0.032 * outputSpecFor(ratio).height);
  });
});

describe(fitBlock.name, () => {
  it('keeps the full size when the text fits and shrinks towards the minimum when it does not', () => {
    expect(fitBlock('Short line', 40, 20, 1000, 100)).toEqual({
      size: 40,
      lines: ['Short line'],
      heightPx: 50,
      fits: true,
    });
    const long = fitBlock('word '.repeat(60), 40, 20, 500, 300);
    expect(long.size).toBeLessThan(40);
    expect(long.fits).toBe(true);
    expect(long.heightPx).toBeLessThanOrEqual(300);
  });

  it('reports a block that overflows even at the minimum, with every word still there', () => {
    const block = fitBlock('word '.repeat(200), 40, 30, 500, 100);
    expect(block).toMatchObject({ size: 30, fits: false });
    expect(block.lines.join(' ').split(' ')).toHaveLength(200);
  });
});
