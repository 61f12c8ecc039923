import { briefSchema, type BriefInput } from '@app/domain';
import { type AdBeat } from './ad-beat';
import { type SceneSlot } from './beat-timeline.builder';
import { readBriefCues } from './brief-cues.parser';
import { buildNarration, type NarrationInput } from './narration.builder';

const slot = (beat: AdBeat, durationSec: number, part = 0, parts = 1): SceneSlot => ({
  beat,
  part,
  parts,
  durationSec,
  transitionIn: 'cut',
  cues: [],
});

function input(slots: SceneSlot[], brief: BriefInput, overrides: Partial<NarrationInput> = {}): NarrationInput {
  const parsed = briefSchema.parse(brief);
  return {
    slots,
    brief: parsed,
    cues: readBriefCues(parsed),
    tone: 'neutral',
    productNames: parsed.product ? [parsed.product.name] : [],
    callToAction: parsed.callToAction ?? 'Learn more.',
    hookShowsProduct: !slots.some((s) => s.beat === 'product'),
    ...overrides,
  };
}

const glow: BriefInput = {
  brief: 'An ad for a night serum.',
  product: { name: 'Glow', description: 'A serum for tired skin, made with oat extract' },
  callToAction: 'Try Glow tonight. glow.example',
};

describe(buildNarration.name, () => {
  it('says as much of what the product does as the scene has time for', () => {
    const lines = buildNarration(
      input([slot('hook', 4), slot('product', 12), slot('product', 4), slot('product', 2), slot('end-card', 3)], glow),
    );

    expect(lines.slice(1, 4)).toEqual([
      'Introducing Glow: a serum for tired skin, made with oat extract.',
      'Introducing Glow: a serum for tired skin.',
      'Introducing Glow.',
    ]);
  });

  it('keeps continued parts quiet, but for the turn at the end of the problem and the tagline', () => {
    const slots = [
      slot('hook', 4),
      slot('hook', 4, 1, 2),
      slot('problem', 4),
      slot('problem', 4, 1, 3),
      slot('problem', 4, 2, 3),
      slot('benefit', 4),
      slot('benefit', 4, 1, 2),
      slot('end-card', 4),
    ];
    const lines = buildNarration(
      input(
        slots,
        { ...glow, brief: "An ad for a night serum. End on the line 'Wake up new.'" },
        { hookShowsProduct: false },
      ),
    );

    expect(lines).toEqual([
      'Looking for something new?',
      null,
      'Sound familiar? We’ve all been there.',
      null,
      'It doesn’t have to be this way.',
      'Made for moments like this.',
      'Wake up new.',
      'Try Glow tonight.',
    ]);
  });

  it('says what the product does over its continued shot when the first part only had time for the name', () => {
    const lines = buildNarration(
      input([slot('hook', 4), slot('product', 2), slot('product', 4, 1, 2), slot('end-card', 3)], glow),
    );

    expect(lines.slice(1, 3)).toEqual(['Introducing Glow.', 'A serum for tired skin, made with oat extract.']);
  });

  it('introduces the product in the hook when the ad has no product beat', () => {
    const lines = buildNarration(input([slot('hook', 5), slot('hook', 2), slot('end-card', 3)], glow));

    expect(lines).toEqual([
      'Looking for something new? Meet Glow: a serum for tired skin.',
      'Meet Glow.',
      'Try Glow tonight.',
    ]);
  });

  it('names the product before a call to action that does not', () => {
    const lines = buildNarration(input([slot('hook', 4), slot('end-card', 3)], { ...glow, callToAction: 'Shop now.' }));

    expect(lines[1]).toBe('Glow. Shop now.');
  });

  it('never names what the brief leaves unnamed', () => {
    const lines = buildNarration(
      input([slot('hook', 4), slot('product', 4), slot('end-card', 3)], { brief: 'Sunlight over a quiet harbour.' }),
    );

    expect(lines).toEqual(['Looking for something new?', 'Here’s something new.', 'Learn more.']);
  });

  it('stays silent when a scene is too short for any wording', () => {
    const lines = buildNarration(
      input([slot('hook', 2), slot('end-card', 2)], { ...glow, callToAction: 'Ask your pharmacist about Glow today.' }),
    );

    expect(lines[1]).toBeNull();
  });

  it('writes nothing when the voiceover is off', () => {
    const lines = buildNarration(
      input([slot('hook', 4), slot('end-card', 4)], { ...glow, voiceover: { enabled: false } }),
    );

    expect(lines).toEqual([null, null]);
  });
});
