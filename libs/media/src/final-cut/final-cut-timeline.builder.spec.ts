import { outputSpecFor } from '@app/domain';
import { finalCutTextOf, planFinalCutTimeline, sceneStartsSec } from './final-cut-timeline.builder';
import { type FinalCutRequest } from './final-cut.types';

type TimelineInput = Pick<FinalCutRequest, 'totalSec' | 'text' | 'audio'>;

function input(overrides: Partial<TimelineInput['text']> = {}, narration: TimelineInput['audio']['narration'] = []) {
  return {
    totalSec: 30,
    text: {
      scenes: [
        { startSec: 0, endSec: 5, text: '' },
        { startSec: 5, endSec: 13, text: 'Clarivo' },
        { startSec: 22, endSec: 26, text: 'Breathe in spring.' },
        { startSec: 26, endSec: 30, text: 'Too late for the card' },
      ],
      endCard: { headline: 'Clarivo', callToAction: 'Ask your doctor.', startSec: 27 },
      compliance: null,
      fontName: 'DejaVu Sans',
      brandColors: [],
      ...overrides,
    },
    audio: { musicPath: null, narration, loudness: { integratedLufs: -14, truePeakDb: -1, lra: 11 } },
  };
}

const specs = [outputSpecFor('16:9'), outputSpecFor('9:16'), outputSpecFor('1:1')];
const words = (n: number) => Array.from({ length: n }, () => 'word').join(' ');

describe(planFinalCutTimeline.name, () => {
  it('drops blank scene text and ends scene text where the end card begins', () => {
    const timeline = planFinalCutTimeline(input(), specs);
    expect(timeline.scenes).toEqual([
      { startSec: 5, endSec: 13, text: 'Clarivo' },
      { startSec: 22, endSec: 26, text: 'Breathe in spring.' },
      { startSec: 26, endSec: 27, text: 'Too late for the card' },
    ]);
    expect(timeline.endCard?.startSec).toBe(27);
    expect(timeline.compliance).toBeNull();
  });

  it('moves the end card up with a compliance slate that needs more time than the card has', () => {
    // 30 words need 10 s: slate and card from 20 s, and scene text gives way at 20 s.
    const timeline = planFinalCutTimeline(input({ compliance: { text: words(30) } }), specs);
    expect(timeline.compliance?.plans.map((p) => [p.mode, p.startSec, p.endSec])).toEqual([
      ['slate', 20, 30],
      ['slate', 20, 30],
      ['slate', 20, 30],
    ]);
    expect(timeline.endCard?.startSec).toBe(20);
    expect(timeline.scenes.map((s) => [s.startSec, s.endSec])).toEqual([[5, 13]]);
  });

  it('crawls in every format when one format cannot hold the slate, leaving the card where it was', () => {
    const timeline = planFinalCutTimeline(input({ compliance: { text: words(50) } }, []), specs);
    expect(timeline.compliance?.plans.map((p) => p.mode)).toEqual(['crawl', 'crawl', 'crawl']);
    expect(timeline.endCard?.startSec).toBe(27);
  });

  it('captions narration, scene text, end card and compliance in start order', () => {
    const timeline = planFinalCutTimeline(
      input({ compliance: { text: 'Use only as directed.' } }, [
        { text: 'Meet Clarivo.', startSec: 5.5, endSec: 9 },
        { text: '  ', startSec: 10, endSec: 11 },
        { text: 'Ask your doctor.', startSec: 27, endSec: 31 },
      ]),
      specs,
    );
    expect(timeline.captions.sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec)).toEqual([
      { startSec: 5, endSec: 13, text: 'Clarivo' },
      { startSec: 5.5, endSec: 9, text: 'Meet Clarivo.' },
      { startSec: 22, endSec: 26, text: 'Breathe in spring.' },
      { startSec: 26, endSec: 27, text: 'Too late for the card' },
      { startSec: 27, endSec: 30, text: 'Ask your doctor.' },
      { startSec: 27, endSec: 30, text: 'Clarivo\nAsk your doctor.' },
      { startSec: 27, endSec: 30, text: 'Use only as directed.' },
    ]);
  });

  it('works without an end card: a slate then runs its last words / 3 seconds', () => {
    const timeline = planFinalCutTimeline(input({ endCard: null, compliance: { text: words(9) } }), specs);
    expect(timeline.endCard).toBeNull();
    expect(timeline.compliance?.plans[0]).toMatchObject({ mode: 'slate', startSec: 27, endSec: 30 });
    expect(timeline.scenes.at(-1)).toEqual({ startSec: 26, endSec: 30, text: 'Too late for the card' });
  });
});

describe(finalCutTextOf.name, () => {
  const storyboard = {
    durationSec: 12,
    scenes: [3, 4, 5].map((durationSec, i) => ({ durationSec, onScreenText: `line ${i}` })),
    endCard: { headline: 'Lumen', callToAction: 'Light what matters.', durationSec: 2 },
    compliance: { text: 'Use as directed.' },
  } as unknown as Parameters<typeof finalCutTextOf>[0];

  it('places each scene’s text over its own span and the end card at the close of the ad', () => {
    expect(sceneStartsSec(storyboard.scenes)).toEqual([0, 3, 7]);
    expect(finalCutTextOf(storyboard, undefined)).toEqual({
      scenes: [
        { startSec: 0, endSec: 3, text: 'line 0' },
        { startSec: 3, endSec: 7, text: 'line 1' },
        { startSec: 7, endSec: 12, text: 'line 2' },
      ],
      endCard: { headline: 'Lumen', callToAction: 'Light what matters.', durationSec: 2, startSec: 10 },
      compliance: { text: 'Use as directed.' },
      fontName: 'DejaVu Sans',
      brandColors: [],
    });
  });

  it('takes the brand’s font and colours', () => {
    expect(finalCutTextOf(storyboard, { name: 'Acme', font: 'Inter', colors: ['#112233'] })).toMatchObject({
      fontName: 'Inter',
      brandColors: ['#112233'],
    });
  });
});
