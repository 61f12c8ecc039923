import { AppError, briefSchema, checkMajorStatement, complianceText, type Brief, type Storyboard } from '@app/domain';
import { SAMPLE_BRIEFS } from '../sample-briefs.fixture';
import { TemplatePlanner } from '../template.planner';
import { changedPaths, deepFreeze } from './prompt-checks.fixture';
import { ALLERGY_TEXT, SNEAKER_IDEA } from './prompt-samples.fixture';
import { problemsOf } from './prompt-target.editor';
import { type PromptTarget, type UpdateResult } from '../../prompt-toolkit.port';
import { TemplatePromptToolkit } from './template-prompt.toolkit';
import { FRAMING, promptLine } from './visual-prompt.editor';

const toolkit = new TemplatePromptToolkit();
const planner = new TemplatePlanner();

let allergy: { brief: Brief; storyboard: Storyboard };
let sneaker: { brief: Brief; storyboard: Storyboard };

beforeAll(async () => {
  for (const [name, input] of [
    // The editing mechanics on the allergy story; the major statement's held scenes are covered by its own specs.
    ['allergy', { ...SAMPLE_BRIEFS.allergy30s, compliance: undefined }],
    ['sneaker', SAMPLE_BRIEFS.sneaker15sVertical],
  ] as const) {
    const brief = deepFreeze(briefSchema.parse(input));
    const pair = { brief, storyboard: deepFreeze(await planner.plan(brief)) };
    if (name === 'allergy') allergy = pair;
    else sneaker = pair;
  }
});

const onBoard = (pair: { brief: Brief; storyboard: Storyboard }): PromptTarget => ({ kind: 'storyboard', ...pair });
const paths = (before: { brief?: Brief; storyboard?: Storyboard }, after: UpdateResult) =>
  changedPaths(
    { brief: before.brief, storyboard: before.storyboard },
    { brief: after.brief, storyboard: after.storyboard },
  );

async function update(target: PromptTarget, request: string): Promise<UpdateResult> {
  const result = await toolkit.update(target, request);
  expect(problemsOf(result)).toEqual([]);
  return result;
}

describe(TemplatePromptToolkit.name, () => {
  it('is named template', () => {
    expect(toolkit.name).toBe('template');
  });

  it('enhances the sneaker idea into a valid brief with notes', async () => {
    const { brief, notes } = await toolkit.enhance(SNEAKER_IDEA);

    expect(briefSchema.parse(brief)).toEqual(brief);
    expect(brief).toMatchObject({ durationSec: 30, aspectRatio: '16:9', audience: 'young runners' });
    expect(notes.length).toBeGreaterThan(0);
  });

  it('extracts the allergy brief fields, compliance verbatim', async () => {
    const { fields, missing } = await toolkit.extract(ALLERGY_TEXT);

    expect(fields.product?.name).toBe('Clarivo');
    expect(fields.compliance?.dosage).toBe('Take one 10 mg tablet daily.');
    expect(missing).toEqual(['audience']);
  });

  it('rejects before working when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const opts = { signal: controller.signal };

    await expect(toolkit.enhance(SNEAKER_IDEA, opts)).rejects.toThrow();
    await expect(toolkit.extract(ALLERGY_TEXT, opts)).rejects.toThrow();
    await expect(toolkit.update(onBoard(allergy), 'make it calmer', opts)).rejects.toThrow();
    await expect(toolkit.variations(onBoard(allergy), 2, opts)).rejects.toThrow();
  });

  describe('update', () => {
    it('sets scene 2 at night by changing only its visual prompt and non-brand palette colours', async () => {
      const result = await update(onBoard(allergy), 'make scene 2 at night');
      const before = allergy.storyboard.scenes[1];
      const after = result.storyboard!.scenes[1];

      expect(result.changes).toEqual(['scene 2: set at night (visual prompt, palette darkened)']);
      expect(paths(allergy, result).every((p) => /^storyboard\.scenes\.1\.(visualPrompt|palette\.\d)$/.test(p))).toBe(
        true,
      );
      expect(promptLine(after.visualPrompt, 'Lighting')).toMatch(/^night-time/);
      expect(after.palette.slice(0, 2)).toEqual(['#2E7D32', '#F9FBE7']);
      expect(after.palette.slice(2)).not.toEqual(before.palette.slice(2));
      expect(result.brief).toEqual(allergy.brief);
    });

    it('re-splits scene lengths for a new duration, keeping the scenes, and rewrites the stated length', async () => {
      const result = await update(onBoard(allergy), 'make it 15 seconds');
      const scenes = result.storyboard!.scenes;

      expect(result.brief!.durationSec).toBe(15);
      expect(result.brief!.brief).toContain('A 15-second TV spot');
      expect(scenes.map((s) => s.durationSec)).toEqual([3, 2, 2, 2, 2, 2, 2]);
      expect(scenes.map((s) => s.visualPrompt)).toEqual(allergy.storyboard.scenes.map((s) => s.visualPrompt));
      expect(result.changes).toEqual([
        'duration: 30 s → 15 s',
        "brief text: '30-second' → '15-second'",
        'scene lengths: 5+4+4+5+4+4+4 s → 3+2+2+2+2+2+2 s',
        'scene 2: crossfade 0.75 s → 0.625 s to fit its neighbours',
        "scene 2: narration trimmed to 'Sound familiar?' to fit 2 s",
        'scene 3: narration dropped: too long to say in 2 s',
        'scene 4: crossfade 0.75 s → 0.625 s to fit its neighbours',
        "scene 4: narration trimmed to 'Introducing Clarivo.' to fit 2 s",
        'scene 5: crossfade 0.75 s → 0.625 s to fit its neighbours',
        'scene 5: narration dropped: too long to say in 2 s',
        'scene 7: dip-to-white 0.75 s → 0.625 s to fit its neighbours',
        'scene 7: narration dropped: too long to say in 2 s',
        'end card: 3 s → 2 s to fit the last scene',
      ]);
      expect(scenes.map((s) => s.narration)).toEqual([
        'Is sneezing ruining your family picnic?',
        'Sound familiar?',
        undefined,
        'Introducing Clarivo.',
        undefined,
        'Breathe in spring.',
        undefined,
      ]);
      expect(
        paths(allergy, result).every((p) =>
          /^(brief\.(durationSec|brief)|storyboard\.(durationSec|endCard\.durationSec|scenes\.\d+\.(durationSec|transitionSec|narration)))$/.test(
            p,
          ),
        ),
      ).toBe(true);
    });

    it('reformats to vertical: the aspect ratio and each prompt framing line, nothing else', async () => {
      const result = await update(onBoard(allergy), 'make it vertical');

      expect(result.brief!.aspectRatio).toBe('9:16');
      expect(result.storyboard!.aspectRatio).toBe('9:16');
      expect(result.storyboard!.scenes.every((s) => promptLine(s.visualPrompt, 'Framing') === FRAMING['9:16'])).toBe(
        true,
      );
      expect(
        paths(allergy, result).every((p) =>
          /^(brief\.aspectRatio|storyboard\.(aspectRatio|scenes\.\d+\.visualPrompt))$/.test(p),
        ),
      ).toBe(true);
    });

    it('changes the call to action on the brief, the end card and the line that says it only', async () => {
      const result = await update(onBoard(allergy), "change the call to action to 'Talk to your pharmacist.'");

      expect(paths(allergy, result).sort()).toEqual([
        'brief.callToAction',
        'storyboard.endCard.callToAction',
        'storyboard.scenes.6.narration',
      ]);
      expect(result.storyboard!.endCard.callToAction).toBe('Talk to your pharmacist.');
      expect(result.storyboard!.scenes[6].narration).toBe('Talk to your pharmacist.');
    });

    it('calms the energetic sneaker ad: tone, music, soft blends between beats and gentle moves', async () => {
      const result = await update(onBoard(sneaker), 'make it calmer');
      const scenes = result.storyboard!.scenes;

      expect(result.brief!.tone).toBe('calm');
      expect(result.storyboard!.music.mood).toBe('calm ambient');
      expect(scenes.map((s) => [s.transitionIn, s.transitionSec])).toEqual([
        ['cut', undefined],
        ['continuous', undefined],
        ['crossfade', 0.75],
        ['dip-to-white', 0.75],
      ]);
      expect(scenes[1].cameraMove).toBe(scenes[0].cameraMove);
      expect(scenes.every((s) => promptLine(s.visualPrompt, 'Mood') === 'calm')).toBe(true);
      expect(scenes.map((s) => [s.durationSec, s.palette, s.onScreenText])).toEqual(
        sneaker.storyboard.scenes.map((s) => [s.durationSec, s.palette, s.onScreenText]),
      );
    });

    it('moves nothing when asked for the tone the storyboard already has', async () => {
      const result = await toolkit.update(onBoard(sneaker), 'make it more energetic');

      expect(result.storyboard!.scenes.map((s) => [s.transitionIn, s.transitionSec])).toEqual(
        sneaker.storyboard.scenes.map((s) => [s.transitionIn, s.transitionSec]),
      );
    });

    it('energises the calm allergy ad with cuts between beats', async () => {
      const result = await update(onBoard(allergy), 'make it more energetic');

      expect(result.brief!.tone).toBe('energetic, hopeful');
      expect(result.storyboard!.scenes.every((s) => s.transitionIn !== 'crossfade')).toBe(true);
      expect(result.storyboard!.compliance).toEqual(allergy.storyboard.compliance);
    });

    it('removes scene 2, giving its seconds to scene 1 and letting its continuation start its own shot', async () => {
      const result = await update(onBoard(allergy), 'remove scene 2');
      const scenes = result.storyboard!.scenes;

      expect(scenes.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(scenes.map((s) => s.durationSec)).toEqual([9, 4, 5, 4, 4, 4]);
      expect(scenes[1].transitionIn).toBe('crossfade');
      expect(scenes.map((s) => s.visualPrompt)).toEqual(
        allergy.storyboard.scenes.filter((_, i) => i !== 1).map((s) => s.visualPrompt),
      );
      expect(result.changes[0]).toBe('scene 2 removed; its 4 s went to scene 1');
    });

    it('keeps the first scene a cut, with no blend length, when scene 1 is removed', async () => {
      const result = await update(onBoard(allergy), 'remove scene 1');

      expect(result.storyboard!.scenes[0].transitionIn).toBe('cut');
      expect(result.storyboard!.scenes[0].transitionSec).toBeUndefined();
    });

    it('lets narration travel with its scene when scenes are removed or swapped', async () => {
      const removed = await update(onBoard(allergy), 'remove scene 4');
      const swapped = await update(onBoard(allergy), 'swap scenes 2 and 4');
      const said = allergy.storyboard.scenes.map((s) => s.narration);

      expect(removed.storyboard!.scenes.map((s) => s.narration)).toEqual(said.filter((_, i) => i !== 3));
      expect(swapped.storyboard!.scenes.map((s) => s.narration)).toEqual([
        said[0],
        said[3],
        said[2],
        said[1],
        ...said.slice(4),
      ]);
    });

    it('swaps scenes 2 and 4, and a continuation that lost its shot becomes a cut', async () => {
      const result = await update(onBoard(allergy), 'swap scenes 2 and 4');
      const [before, after] = [allergy.storyboard.scenes, result.storyboard!.scenes];

      expect(after[1].visualPrompt).toBe(before[3].visualPrompt);
      expect(after[3].visualPrompt).toBe(before[1].visualPrompt);
      expect(after[2].transitionIn).toBe('cut');
      expect(after.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    });

    it('changes the on-screen text of one scene only', async () => {
      const result = await update(onBoard(allergy), "change the on-screen text of scene 3 to 'Achoo!'");

      expect(paths(allergy, result)).toEqual(['storyboard.scenes.2.onScreenText']);
      expect(result.changes).toEqual(["scene 3: on-screen text (none) → 'Achoo!'"]);
    });

    it('edits a brief on its own, applying a compound request in order', async () => {
      const result = await update({ kind: 'brief', brief: sneaker.brief }, 'make it 30 seconds and landscape');

      expect(result.kind).toBe('brief');
      expect(result.storyboard).toBeUndefined();
      expect(result.brief).toMatchObject({ durationSec: 30, aspectRatio: '16:9' });
      expect(result.brief!.brief.startsWith('30-second widescreen social ad for the Volt Runner sneaker')).toBe(true);
    });

    it('edits a storyboard without its brief', async () => {
      const result = await update({ kind: 'storyboard', storyboard: sneaker.storyboard }, 'make it 20 seconds');

      expect(result.brief).toBeUndefined();
      expect(result.storyboard!.scenes.reduce((sum, s) => sum + s.durationSec, 0)).toBe(20);
    });

    it.each(['make it pop', 'add a dragon', ''])(
      'returns the target unchanged with no changes for %p',
      async (request) => {
        const result = await toolkit.update(onBoard(allergy), request);

        expect(result).toEqual({ kind: 'storyboard', ...allergy, changes: [] });
      },
    );

    it.each([
      ['make scene 9 at night', 'there is no scene 9: the storyboard has 7'],
      ['make it 200 seconds', 'an ad runs a whole number of seconds from 6 to 120, not 200'],
      ['make it 7.5 seconds', 'an ad runs a whole number of seconds from 6 to 120, not 7.5'],
      ['swap scenes 2 and 2', 'swapping needs two different scenes, not scene 2 twice'],
    ])('rejects %p, which it understands but cannot apply', async (request, message) => {
      await expect(toolkit.update(onBoard(allergy), request)).rejects.toMatchObject({
        code: 'REQUEST.INVALID',
        message,
      });
    });

    it('rejects scene edits on a brief, which has no scenes', async () => {
      await expect(toolkit.update({ kind: 'brief', brief: allergy.brief }, 'remove scene 2')).rejects.toBeInstanceOf(
        AppError,
      );
    });

    it('answers the same request the same way every time', async () => {
      for (const request of ['make it calmer', 'make it 45 seconds', 'make scene 3 at sunset', 'swap scenes 1 and 5']) {
        expect(await toolkit.update(onBoard(allergy), request)).toEqual(
          await toolkit.update(onBoard(allergy), request),
        );
      }
    });
  });

  describe('on a brief with a major statement (the allergy ad with its compliance)', () => {
    let pharma: { brief: Brief; storyboard: Storyboard };
    beforeAll(async () => {
      const brief = deepFreeze(briefSchema.parse(SAMPLE_BRIEFS.allergy30s));
      pharma = { brief, storyboard: deepFreeze(await planner.plan(brief)) };
      expect(checkMajorStatement(pharma.storyboard, brief)).toEqual([]);
    });

    it.each(['make it calmer', 'make it more energetic', 'make it playful', 'night look for every scene'])(
      '“%s” keeps the statement window: held, silent, no text, no cut or blend inside it',
      async (request) => {
        const result = await update(onBoard(pharma), request);
        expect(checkMajorStatement(result.storyboard!, pharma.brief)).toEqual([]);
        expect(result.storyboard!.compliance).toEqual(pharma.storyboard.compliance);
      },
    );

    it('offers only variations that keep the statement window', async () => {
      const { items } = await toolkit.variations(onBoard(pharma), 5);
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) expect(checkMajorStatement(item.storyboard!, pharma.brief)).toEqual([]);
    });
  });

  describe('variations', () => {
    it('offers five labelled, distinct, valid storyboards that keep length, format, CTA and compliance', async () => {
      const { items } = await toolkit.variations(onBoard(allergy), 5);

      expect(items.map((v) => v.label)).toEqual([
        'energetic cut',
        'warm crossfades',
        'night palette',
        'golden hour',
        'playful slides',
      ]);
      const all = [allergy.storyboard, ...items.map((v) => v.storyboard)];
      expect(new Set(all.map((s) => JSON.stringify(s))).size).toBe(6);
      for (const item of items) {
        expect(problemsOf(item)).toEqual([]);
        expect(item.brief).toMatchObject({
          durationSec: 30,
          aspectRatio: '16:9',
          callToAction: allergy.brief.callToAction,
          compliance: allergy.brief.compliance,
        });
        expect(item.storyboard!.compliance?.text ?? null).toBe(complianceText(allergy.brief));
      }
    });

    it('varies a brief by tone and seed', async () => {
      const { items } = await toolkit.variations({ kind: 'brief', brief: sneaker.brief }, 5);

      expect(items.map((v) => [v.label, v.brief!.tone])).toEqual([
        ['warm crossfades', 'hopeful'],
        ['playful slides', 'playful, energetic'],
        ['calm and slow', 'calm'],
        ['elegant glide', 'elegant'],
        ['fresh camera and colour', 'energetic'],
      ]);
      expect(items[4].brief!.seed).toBe(43);
    });

    it('returns the same list for the same target', async () => {
      expect(await toolkit.variations(onBoard(sneaker), 3)).toEqual(await toolkit.variations(onBoard(sneaker), 3));
    });

    it.each([0, 6, 2.5])('rejects a request for %p variations', async (n) => {
      await expect(toolkit.variations(onBoard(allergy), n)).rejects.toMatchObject({ code: 'REQUEST.INVALID' });
    });
  });
});
