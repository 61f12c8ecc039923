import fc from 'fast-check';
import {
  STATEMENT_BEAT,
  ASPECT_RATIOS,
  type Brief,
  briefSchema,
  CAMERA_MOVES,
  checkStoryboardAgainstBrief,
  MAX_SCENE_SEC,
  MAX_SCENES,
  MAX_TRANSITION_SEC,
  MIN_TRANSITION_SEC,
  MIN_SCENE_SEC,
  type Storyboard,
  storyboardSchema,
  TRANSITIONS,
} from '@app/domain';
import { enforceBriefRules, repairableProblems, sceneCountBounds } from './storyboard-rules.enforcer';

const text = (max: number) => fc.string({ minLength: 1, maxLength: max }).filter((s) => s.trim().length > 0);
const colour = fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, '0')}`);

const briefArb: fc.Arbitrary<Brief> = fc
  .record(
    {
      brief: fc.string({ minLength: 10, maxLength: 300 }).filter((s) => s.trim().length >= 10),
      durationSec: fc.integer({ min: 6, max: 120 }),
      aspectRatio: fc.constantFrom(...ASPECT_RATIOS),
      product: fc.record({ name: text(60) }),
      callToAction: text(80),
      compliance: fc.record(
        {
          sideEffects: fc.array(text(60), { minLength: 1, maxLength: 6 }),
          dosage: text(120),
          disclaimer: text(200),
        },
        { requiredKeys: [] },
      ),
      music: fc.record({ enabled: fc.boolean() }),
      seed: fc.nat(1000),
    },
    { requiredKeys: ['brief'] },
  )
  .map((raw) => briefSchema.parse(raw));

/** Anything a model could answer that passes the schema: wrong lengths, counts, formats, CTAs, compliance. */
const answerArb: fc.Arbitrary<Storyboard> = fc
  .record({
    title: text(80),
    aspectRatio: fc.constantFrom(...ASPECT_RATIOS),
    durationSec: fc.integer({ min: 1, max: 500 }),
    scenes: fc.array(
      fc.record({
        beat: text(20),
        durationSec: fc.integer({ min: MIN_SCENE_SEC, max: MAX_SCENE_SEC }),
        visualPrompt: text(200),
        cameraMove: fc.constantFrom(...CAMERA_MOVES),
        onScreenText: fc.string({ maxLength: 120 }),
        transitionIn: fc.constantFrom(...TRANSITIONS),
        transitionSec: fc.option(fc.double({ min: MIN_TRANSITION_SEC, max: MAX_TRANSITION_SEC, noNaN: true }), {
          nil: undefined,
        }),
        narration: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
        palette: fc.array(colour, { minLength: 2, maxLength: 5 }),
      }),
      { minLength: 1, maxLength: MAX_SCENES },
    ),
    music: fc.record({ mood: text(40), enabled: fc.boolean() }),
    endCard: fc.record({
      headline: text(60),
      callToAction: fc.string({ maxLength: 100 }),
      durationSec: fc.integer({ min: 1, max: 10 }),
    }),
    compliance: fc.option(fc.record({ text: text(300) }), { nil: null }),
  })
  .map((raw) =>
    storyboardSchema.parse({
      ...raw,
      // fc.option leaves explicit undefined; the schema's optional fields want them absent
      scenes: raw.scenes.map((s, index) => JSON.parse(JSON.stringify({ ...s, index }))),
    }),
  );

describe(enforceBriefRules.name, () => {
  it('makes any schema-valid answer obey every rule of any brief', () => {
    fc.assert(
      fc.property(briefArb, answerArb, (brief, answer) => {
        const storyboard = enforceBriefRules(answer, brief);
        expect(storyboardSchema.safeParse(storyboard).success).toBe(true);
        expect(checkStoryboardAgainstBrief(storyboard, brief)).toEqual([]);
        const { min, max } = sceneCountBounds(brief.durationSec);
        expect(storyboard.scenes.length).toBeGreaterThanOrEqual(min);
        expect(storyboard.scenes.length).toBeLessThanOrEqual(max);
        for (const item of [
          ...(brief.compliance?.sideEffects ?? []),
          brief.compliance?.dosage,
          brief.compliance?.disclaimer,
        ]) {
          if (item) expect(storyboard.compliance?.text).toContain(item);
        }
        if (brief.callToAction) expect(storyboard.endCard.callToAction).toBe(brief.callToAction);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps what the model wrote where the brief has no say', () => {
    fc.assert(
      fc.property(briefArb, answerArb, (brief, answer) => {
        fc.pre(repairableProblems(answer, brief).length === 0);
        const enforced = enforceBriefRules(answer, brief);
        // The major statement's held scenes are the brief's, not the model's.
        const scenes = enforced.scenes.filter((s) => s.beat !== STATEMENT_BEAT);
        expect(scenes.map((s) => s.cameraMove)).toEqual(answer.scenes.map((s) => s.cameraMove));
        expect(scenes.map((s) => s.palette)).toEqual(answer.scenes.map((s) => s.palette));
      }),
      { numRuns: 200 },
    );
  });

  it('strips control characters the model writes into text that reaches files and screens', () => {
    const brief = briefSchema.parse({ brief: 'A bumper for a bakery and its sourdough.', durationSec: 6 });
    const answer = storyboardSchema.parse({
      title: 'ok',
      aspectRatio: '16:9',
      durationSec: 6,
      scenes: [0, 1].map((index) => ({
        index,
        beat: 'hook',
        durationSec: 3,
        visualPrompt: 'bread\u0000\u001b[31m',
        cameraMove: 'static',
        onScreenText: 'Fresh\u0007 bread',
        transitionIn: 'cut',
        palette: ['#000000', '#ffffff'],
      })),
      music: { mood: 'calm', enabled: true },
      endCard: { headline: 'Bakery', callToAction: '', durationSec: 2 },
      compliance: null,
    });
    const storyboard = enforceBriefRules(answer, brief);
    expect(storyboard.scenes[0].visualPrompt).toBe('bread[31m');
    expect(storyboard.scenes[0].onScreenText).toBe('Fresh bread');
  });
});
