import {
  findAspects,
  findDurations,
  parseAspectRatio,
  parseCallToAction,
  parseDuration,
  splitSentences,
} from './ad-format.parser';
import { ALLERGY_TEXT } from './prompt-samples.fixture';

describe(parseDuration.name, () => {
  it.each([
    ['a 15 s bumper', 15],
    ['15s vertical', 15],
    ['a 30-second spot', 30],
    ['thirty seconds long', 30],
    ['a forty-five second ad', 45],
    ['half a minute', 30],
    ['a half-minute spot', 30],
    ['a one-minute film', 60],
    ['a minute and a half', 90],
    ['90 sec', 90],
  ])('reads %p as %p seconds', (text, seconds) => {
    expect(parseDuration(text)?.value).toBe(seconds);
  });

  it.each(['adults in their 30s', 'a 10 mg tablet', '2 sneakers', 'in 24 hours', 'ratio 16:9'])(
    'finds no length when %p only looks like one',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );

  it('marks adjective forms so a rewrite can keep their shape', () => {
    expect(findDurations('a 30-second spot, 30 seconds in all').map((d) => [d.said, d.adjective])).toEqual([
      ['30-second', true],
      ['30 seconds', false],
    ]);
  });
});

describe(parseAspectRatio.name, () => {
  it.each([
    ['vertical ad', '9:16'],
    ['for TikTok', '9:16'],
    ['Instagram Reels', '9:16'],
    ['YouTube Shorts', '9:16'],
    ['a 9:16 cut', '9:16'],
    ['square', '1:1'],
    ['for the feed', '1:1'],
    ['1:1', '1:1'],
    ['landscape', '16:9'],
    ['a TV spot', '16:9'],
  ])('reads %p as %p', (text, ratio) => {
    expect(parseAspectRatio(text)?.value).toBe(ratio);
  });

  it.each(['feed the family', 'a runner in shorts', 'true stories of real people'])(
    'finds no format when %p uses the word another way',
    (text) => {
      expect(findAspects(text)).toEqual([]);
    },
  );
});

describe(parseCallToAction.name, () => {
  it('takes the quoted line after end on, CTA or call to action', () => {
    expect(parseCallToAction(ALLERGY_TEXT)?.value).toBe('Breathe in spring.');
    expect(parseCallToAction("Call to action: 'Run brighter.'")?.value).toBe('Run brighter.');
  });

  it('takes the rest of the sentence after CTA: when nothing is quoted', () => {
    expect(parseCallToAction('CTA: Shop now. Then a montage.')?.value).toBe('Shop now.');
  });

  it('finds none when the quote belongs to a later sentence', () => {
    expect(parseCallToAction("End with a smile. Later, 'not a CTA'.")).toBeNull();
  });
});

describe(splitSentences.name, () => {
  it('keeps a quoted line with its own full stop in one sentence', () => {
    expect(splitSentences(ALLERGY_TEXT)).toEqual([
      'A 30-second TV spot for Clarivo, a once-daily non-drowsy allergy tablet.',
      'Open on a family picnic ruined by sneezing, then the same picnic in full spring bloom after Clarivo.',
      'Calm, hopeful, sunlit.',
      "End on the product and the line 'Breathe in spring.'",
      'Side effects include headache, dry mouth and drowsiness in rare cases.',
      'Take one 10 mg tablet daily.',
      'Use only as directed.',
    ]);
  });
});
