import { briefSchema } from './brief.schema';
import { type Storyboard } from './storyboard.schema';
import { checkStoryboardAgainstBrief } from './storyboard-rules';
import { complianceText } from './major-statement';

const brief = briefSchema.parse({
  brief: 'A thirty second spot for an allergy tablet.',
  durationSec: 10,
  callToAction: 'Ask your doctor.',
  compliance: { sideEffects: ['headache', 'dry mouth'], dosage: 'One tablet daily.', disclaimer: 'Use as directed.' },
});

const storyboard = (overrides: Partial<Storyboard> = {}): Storyboard => ({
  title: 't',
  aspectRatio: '16:9',
  durationSec: 10,
  scenes: [0, 1].map((index) => ({
    index,
    beat: 'b',
    durationSec: 5,
    visualPrompt: 'p',
    cameraMove: 'static',
    onScreenText: '',
    transitionIn: 'cut',
    palette: ['#000000', '#ffffff'],
  })),
  music: { mood: 'calm', enabled: true },
  endCard: { headline: 'Clarivo', callToAction: 'Ask your doctor.', durationSec: 3 },
  compliance: { text: complianceText(brief)! },
  ...overrides,
});

describe(checkStoryboardAgainstBrief.name, () => {
  it('accepts a storyboard that obeys the brief', () => {
    expect(checkStoryboardAgainstBrief(storyboard(), brief)).toEqual([]);
  });

  it('names every broken rule', () => {
    const bad = storyboard({
      aspectRatio: '9:16',
      durationSec: 90,
      endCard: { headline: 'x', callToAction: 'Buy now', durationSec: 9 },
      compliance: { text: 'Side effects may include headache.' },
    });
    bad.scenes[1].durationSec = 7;
    bad.scenes[0].transitionIn = 'continuous';
    const fields = checkStoryboardAgainstBrief(bad, brief).map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'aspectRatio',
        'durationSec',
        'scenes',
        'scenes.0.transitionIn',
        'endCard.durationSec',
        'endCard.callToAction',
        'compliance.text',
      ]),
    );
  });

  it('puts every compliance item in the text verbatim', () => {
    const text = complianceText(brief)!;
    for (const item of ['headache', 'dry mouth', 'One tablet daily.', 'Use as directed.']) expect(text).toContain(item);
    expect(complianceText(briefSchema.parse({ brief: 'No compliance here at all.' }))).toBeNull();
  });
});
