import { AppError, outputSpecFor, Errors } from '@app/domain';
import fc from 'fast-check';
import { countWords, planCompliance } from './compliance-plan.builder';
import { glyphWidthEm } from './text-layout.util';
import { typeLayout } from './type-layout.util';

const landscape = outputSpecFor('16:9');
const vertical = outputSpecFor('9:16');
const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 10}`).join(' ');

describe(planCompliance.name, () => {
  it('holds short text as a slate from the end card, longer than words / 3 needs', () => {
    // 7 words need 2.33 s; the end card already gives 3.
    expect(planCompliance('Use only as directed. Not for children.', 30, 27, landscape)).toMatchObject({
      mode: 'slate',
      startSec: 27,
      endSec: 30,
      words: 7,
      lines: ['Use only as directed. Not for children.'],
    });
  });

  it('starts a slate earlier than the end card when the text needs more than the card’s time', () => {
    // 30 words need 10 s, so the slate (and the card with it) starts at 20 s.
    expect(planCompliance(words(30), 30, 27, landscape)).toMatchObject({ mode: 'slate', startSec: 20, endSec: 30 });
    // 31 words need 10.33 s: the start is floored to the centisecond, never later.
    expect(planCompliance(words(31), 30, 27, landscape)).toMatchObject({ startSec: 19.66, endSec: 30, words: 31 });
  });

  it('crawls through the last words / 3 seconds when a slate would need more than 60% of the ad', () => {
    // 60 words need 20 s of a 30 s ad; the crawl gets 5% more for its width estimate.
    const plan = planCompliance(words(60), 30, 27, landscape);
    expect(plan).toMatchObject({ mode: 'crawl', startSec: 9, endSec: 30, words: 60 });
    expect(plan.lines).toEqual([words(60)]);
    expect(planCompliance(words(54), 30, 27, landscape).mode).toBe('slate');
  });

  it('crawls in a frame whose safe area cannot hold the slate at the legible minimum', () => {
    const text = words(50);
    expect(planCompliance(text, 120, 117, landscape).mode).toBe('slate');
    expect(planCompliance(text, 120, 117, vertical)).toMatchObject({ mode: 'crawl', startSec: 102.5, endSec: 120 });
  });

  it('refuses text that cannot be read at 3 words a second in the whole ad', () => {
    expect.assertions(2);
    try {
      planCompliance(words(91), 30, 27, landscape);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe(Errors.composeFailed.code);
    }
  });

  it.each([['16:9'], ['9:16'], ['1:1']] as const)(
    'keeps %s compliance at least 3.2% of the frame height and every line inside the safe width',
    (ratio) => {
      const spec = outputSpecFor(ratio);
      const layout = typeLayout(spec);
      const plan = planCompliance(
        `Side effects may include ${words(25)}. Supercalifragilisticexpialidocious`,
        30,
        27,
        spec,
      );
      expect(plan.fontSize).toBeGreaterThanOrEqual(0.032 * spec.height);
      for (const line of plan.mode === 'slate' ? plan.lines : []) {
        expect([...line].reduce((sum, ch) => sum + glyphWidthEm(ch), 0) * plan.fontSize).toBeLessThanOrEqual(
          layout.lineWidth,
        );
      }
    },
  );

  it('gives every text at least words / 3 seconds on screen, inside the ad', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 6, max: 120 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom('16:9' as const, '9:16' as const, '1:1' as const),
        (n, totalSec, cardShare, ratio) => {
          fc.pre(n / 3 <= totalSec);
          const plan = planCompliance(words(n), totalSec, totalSec * cardShare, outputSpecFor(ratio));
          expect(plan.words).toBe(n);
          expect(plan.endSec).toBe(totalSec);
          expect(plan.startSec).toBeGreaterThanOrEqual(0);
          expect(plan.endSec - plan.startSec).toBeGreaterThanOrEqual(n / 3 - 1e-9);
        },
      ),
    );
  });
});

describe(countWords.name, () => {
  it('counts words separated by any whitespace', () => {
    expect(countWords('  One 10 mg\ttablet\ndaily.  ')).toBe(5);
    expect(countWords('')).toBe(0);
  });

  it('counts each CJK character as a word, since those scripts leave no spaces', () => {
    expect(countWords('花粉症の季節 10 mg')).toBe(8);
  });
});
