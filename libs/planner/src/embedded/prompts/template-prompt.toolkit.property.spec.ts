import {
  ASPECT_RATIOS,
  briefSchema,
  isBlended,
  MAX_SCENE_SEC,
  STATEMENT_BEAT,
  type Brief,
  type Storyboard,
} from '@app/domain';
import fc from 'fast-check';
import { SAMPLE_BRIEFS } from '../sample-briefs.fixture';
import { withoutAddresses } from '../spoken-line';
import { TemplatePlanner } from '../template.planner';
import { classifyTone } from '../tone.profile';
import { changedPaths, deepFreeze } from './prompt-checks.fixture';
import { ALLERGY_TEXT } from './prompt-samples.fixture';
import { problemsOf } from './prompt-target.editor';
import { type ToneTarget } from './prompt-edit';
import { type PromptTarget, type UpdateResult } from '../../prompt-toolkit.port';
import { TemplatePromptToolkit } from './template-prompt.toolkit';

const toolkit = new TemplatePromptToolkit();
const planner = new TemplatePlanner();

const fragment = fc.constantFrom(
  'runner',
  'neon city',
  'family picnic',
  'coffee',
  'calm',
  'bold',
  'spring',
  'at night',
  'tablet',
  'cut to the product',
  'then',
  'one continuous shot',
  'from a tunnel into the streets',
  "'Tagline here.'",
  'ruined by rain',
  '30-second',
  'vertical',
);
const name = fc.string({ minLength: 1, maxLength: 30 }).map((s) => `N${s}`);
const colour = fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, '0')}`);
const briefInput = fc.record(
  {
    brief: fc.oneof(
      fc.array(fragment, { minLength: 2, maxLength: 20 }).map((parts) => `An ad about ${parts.join(' ')}.`),
      fc.constantFrom(ALLERGY_TEXT, SAMPLE_BRIEFS.sneaker15sVertical.brief, SAMPLE_BRIEFS.minimal.brief),
    ),
    durationSec: fc.integer({ min: 6, max: 120 }),
    aspectRatio: fc.constantFrom(...ASPECT_RATIOS),
    product: fc.record({ name, description: fc.option(name, { nil: undefined }) }, { requiredKeys: ['name'] }),
    tone: fc.oneof(fc.constantFrom('calm', 'energetic', 'playful, fun', 'elegant', 'hopeful', 'calm, hopeful'), name),
    style: name,
    callToAction: name,
    brand: fc.record({ name, colors: fc.array(colour, { maxLength: 6 }) }, { requiredKeys: [] }),
    compliance: fc.record(
      { sideEffects: fc.array(name, { maxLength: 5 }), dosage: name, disclaimer: name },
      { requiredKeys: [] },
    ),
    music: fc.record({ mood: fc.option(name, { nil: undefined }), enabled: fc.boolean() }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  },
  { requiredKeys: ['brief', 'durationSec'] },
);

// Copy with words that are requests of their own, to check quoted text stays data.
const copy = fc
  .array(
    fc.constantFrom('Shop', 'now', 'Ask', 'your', 'doctor', "Don't", 'wait', 'and', 'vertical', 'scene', '2', 'calm'),
    {
      minLength: 1,
      maxLength: 10,
    },
  )
  .map((words) => `${words.join(' ')}.`);
const sceneAt = fc.oneof(fc.nat({ max: 40 }), fc.constant('last' as const));
const LOOK_PHRASES = { night: 'at night', day: 'during the day', sunset: 'at sunset', rain: 'in the rain' } as const;
const TONE_REQUESTS = {
  'make it calmer': 'calm',
  'make it more energetic': 'energetic',
  'make it more playful': 'playful',
  'make it more elegant': 'elegant',
  'make it warmer': 'hopeful',
} as const;

type RequestSpec =
  | { kind: 'look'; look: keyof typeof LOOK_PHRASES; at: number | 'last' }
  | { kind: 'duration'; sec: number }
  | { kind: 'aspect'; word: 'vertical' | 'square' | 'landscape' }
  | { kind: 'cta'; text: string }
  | { kind: 'tone'; request: keyof typeof TONE_REQUESTS }
  | { kind: 'remove'; at: number | 'last' }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'text'; at: number | 'last'; text: string };

const requestSpec: fc.Arbitrary<RequestSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('look' as const),
    look: fc.constantFrom('night', 'day', 'sunset', 'rain'),
    at: sceneAt,
  }),
  fc.record({ kind: fc.constant('duration' as const), sec: fc.integer({ min: 6, max: 120 }) }),
  fc.record({ kind: fc.constant('aspect' as const), word: fc.constantFrom('vertical', 'square', 'landscape') }),
  fc.record({ kind: fc.constant('cta' as const), text: copy }),
  fc.record({
    kind: fc.constant('tone' as const),
    request: fc.constantFrom(...(Object.keys(TONE_REQUESTS) as Array<keyof typeof TONE_REQUESTS>)),
  }),
  fc.record({ kind: fc.constant('remove' as const), at: sceneAt }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat({ max: 40 }), b: fc.nat({ max: 40 }) }),
  fc.record({ kind: fc.constant('text' as const), at: sceneAt, text: copy }),
);

/** The request in words, with scene numbers folded into the storyboard's range (1-based). */
function phrase(spec: RequestSpec, sceneCount: number): { request: string; scenes: number[] } {
  const scene = (at: number | 'last') => (at === 'last' ? sceneCount : (at % sceneCount) + 1);
  const named = (at: number | 'last') => (at === 'last' ? 'the last scene' : `scene ${scene(at)}`);
  switch (spec.kind) {
    case 'look':
      return { request: `make ${named(spec.at)} ${LOOK_PHRASES[spec.look]}`, scenes: [scene(spec.at)] };
    case 'duration':
      return { request: `make it ${spec.sec} seconds`, scenes: [] };
    case 'aspect':
      return { request: `make it ${spec.word}`, scenes: [] };
    case 'cta':
      return { request: `change the call to action to '${spec.text}'`, scenes: [] };
    case 'tone':
      return { request: spec.request, scenes: [] };
    case 'remove':
      return { request: `remove ${named(spec.at)}`, scenes: [scene(spec.at)] };
    case 'swap':
      return { request: `swap scenes ${scene(spec.a)} and ${scene(spec.b)}`, scenes: [scene(spec.a), scene(spec.b)] };
    case 'text':
      return { request: `change the on-screen text of ${named(spec.at)} to '${spec.text}'`, scenes: [scene(spec.at)] };
  }
}

/** Paths an edit of this kind may change; everything else must come back deep-equal. */
function allowedPaths(spec: RequestSpec, scenes: number[], sceneCountKept: boolean, sceneCount: number): RegExp {
  const at = scenes[0] - 1;
  switch (spec.kind) {
    case 'look':
      return new RegExp(`^storyboard\\.scenes\\.${at}\\.(visualPrompt|palette\\.\\d+)$`);
    case 'duration':
      // Blends and lines hang on scene lengths: they may shorten to fit (checked in rulesBroken).
      return sceneCountKept
        ? /^(brief\.(durationSec|brief)|storyboard\.(durationSec|title|endCard\.durationSec|scenes\.\d+\.(durationSec|transitionSec|narration)))$/
        : /^(brief\.(durationSec|brief)|storyboard\.(durationSec|title|endCard\.durationSec|scenes\..+))$/;
    case 'aspect':
      return /^(brief\.(aspectRatio|brief)|storyboard\.(aspectRatio|scenes\.\d+\.visualPrompt))$/;
    case 'cta':
      // The end card's voiceover says the call to action, so it follows the new one.
      return new RegExp(
        `^(brief\\.callToAction|storyboard\\.(endCard\\.callToAction|scenes\\.${sceneCount - 1}\\.narration))$`,
      );
    case 'tone':
      return /^(brief\.(tone|music\.mood)|storyboard\.(music\.mood|scenes\.\d+\.(transitionIn|transitionSec|cameraMove|visualPrompt)))$/;
    case 'remove':
    case 'swap':
      return /^storyboard\.(scenes\..+|endCard\.durationSec)$/;
    case 'text':
      return new RegExp(`^storyboard\\.scenes\\.${at}\\.onScreenText$`);
  }
}

const wordsIn = (text: string) => text.split(/[\s\-–—/]+/).filter(Boolean).length;

/** Blends within a third of both scenes and on blended joins only; every line sayable at 2.3 words a second. */
function timingProblems(sb: Storyboard): string[] {
  const problems: string[] = [];
  sb.scenes.forEach((scene, i) => {
    const sec = scene.transitionSec;
    if (sec !== undefined && (i === 0 || !isBlended(scene.transitionIn))) {
      problems.push(`scene ${i + 1} ${scene.transitionIn} keeps a blend length`);
    }
    if (sec !== undefined && i > 0 && sec * 3 > Math.min(scene.durationSec, sb.scenes[i - 1].durationSec)) {
      problems.push(
        `scene ${i + 1} blends ${sec} s beside ${sb.scenes[i - 1].durationSec} s and ${scene.durationSec} s`,
      );
    }
    if (scene.narration && wordsIn(scene.narration) > Math.floor(scene.durationSec * 2.3)) {
      problems.push(`scene ${i + 1} says ${wordsIn(scene.narration)} words in ${scene.durationSec} s`);
    }
  });
  return problems;
}

/** How each tone may join beat changes, written out apart from the editor that chooses them. */
function toneJoinProblems(target: ToneTarget, sb: Storyboard): string[] {
  const last = sb.scenes.length - 1;
  // a major statement is entered and left with cuts, whatever the tone (issue 17: nothing blends into it)
  const statement = (i: number) => sb.scenes[i]?.beat === STATEMENT_BEAT;
  const joins = sb.scenes.flatMap((s, i) =>
    i > 0 && s.transitionIn !== 'continuous' && !statement(i) && !statement(i - 1)
      ? [{ into: i === last ? 'end-card' : s.beat, join: s.transitionIn }]
      : [],
  );
  const accents = joins.filter((j) => j.join !== 'cut').length;
  const fits = joins.every(({ into, join }) => {
    switch (target) {
      case 'calm':
      case 'hopeful':
        return join === (into === 'end-card' ? 'dip-to-white' : 'crossfade');
      case 'elegant':
        return join === (into === 'end-card' || into === 'product' ? 'dip-to-black' : 'crossfade');
      case 'energetic':
        return ['cut', 'slide-left', 'wipe-left'].includes(join);
      case 'playful':
        return /^(?:slide|wipe)-(?:left|right)$/.test(join);
    }
  });
  const accentCount = target !== 'energetic' || joins.length === 0 || (accents >= 1 && accents <= 2);
  return fits && accentCount ? [] : [`beat transitions do not follow the tone: ${joins.map((j) => j.join)}`];
}

/** Why the request cannot apply, or null when it must succeed. */
function impossible(spec: RequestSpec, storyboard: Storyboard, scenes: number[]): string | null {
  const n = storyboard.scenes.length;
  if (spec.kind === 'remove' && (n === 1 || storyboard.durationSec > (n - 1) * MAX_SCENE_SEC)) return 'no room';
  if (spec.kind === 'swap' && scenes[0] === scenes[1]) return 'same scene';
  return null;
}

function rulesBroken(
  spec: RequestSpec,
  scenes: number[],
  before: { brief: Brief; storyboard: Storyboard },
  after: UpdateResult,
): string[] {
  const broken = problemsOf(after);
  const sb = after.storyboard!;
  const total = sb.scenes.reduce((sum, s) => sum + s.durationSec, 0);
  if (total !== after.brief!.durationSec) broken.push(`scenes sum to ${total}`);
  if (sb.scenes[0].transitionIn !== 'cut') broken.push('scene 1 is not a cut');
  const n = before.storyboard.scenes.length;
  const sceneCountKept = sb.scenes.length === n;
  const allowed = allowedPaths(spec, scenes, sceneCountKept, n);
  const paths = changedPaths(before, { brief: after.brief, storyboard: after.storyboard });
  broken.push(...paths.filter((p) => !allowed.test(p)).map((p) => `${spec.kind} changed ${p}`));
  if (!after.changes.length && paths.length) broken.push('changed without saying so');
  broken.push(...timingProblems(sb));

  const prompts = (s: Storyboard) => s.scenes.map((x) => x.visualPrompt);
  switch (spec.kind) {
    case 'duration':
      if (spec.sec >= n * 2 && spec.sec <= n * MAX_SCENE_SEC && !sceneCountKept) broken.push('scene count changed');
      if (sceneCountKept) {
        sb.scenes.forEach((scene, i) => {
          const was = before.storyboard.scenes[i];
          // A re-timed line only ever loses words from its end; a blend only ever gets shorter.
          const said = scene.narration?.replace(/[.!?…]+$/, '');
          if (said !== undefined && !was.narration?.startsWith(said)) broken.push(`scene ${i + 1} narration rewritten`);
          if ((scene.transitionSec ?? 0) > (was.transitionSec ?? 0)) broken.push(`scene ${i + 1} blend lengthened`);
        });
      }
      break;
    case 'remove': {
      const expected = prompts(before.storyboard).filter((_, i) => i !== scenes[0] - 1);
      if (JSON.stringify(prompts(sb)) !== JSON.stringify(expected)) broken.push('removed the wrong scene');
      break;
    }
    case 'swap': {
      const expected = prompts(before.storyboard);
      [expected[scenes[0] - 1], expected[scenes[1] - 1]] = [expected[scenes[1] - 1], expected[scenes[0] - 1]];
      if (JSON.stringify(prompts(sb)) !== JSON.stringify(expected)) broken.push('swapped the wrong scenes');
      break;
    }
    case 'tone': {
      const target = TONE_REQUESTS[spec.request];
      if (classifyTone(after.brief!.tone) !== target) broken.push(`tone reads ${classifyTone(after.brief!.tone)}`);
      broken.push(...toneJoinProblems(target, sb));
      break;
    }
    case 'cta': {
      const [was, now] = [before.storyboard.scenes[n - 1].narration, sb.scenes[n - 1].narration];
      const said = withoutAddresses(spec.text);
      if (now !== was && now !== undefined && !now.includes(said)) broken.push(`end card says '${now}', not '${said}'`);
      break;
    }
    case 'look': {
      const brand = (before.brief.brand?.colors ?? []).map((c) => c.toUpperCase());
      const i = scenes[0] - 1;
      const kept = before.storyboard.scenes[i].palette.every(
        (c, j) => !brand.includes(c.toUpperCase()) || sb.scenes[i].palette[j] === c,
      );
      if (!kept) broken.push('recoloured a brand colour');
      break;
    }
  }
  return broken;
}

describe(`${TemplatePromptToolkit.name} properties`, () => {
  it('keeps every update of a planned storyboard valid, minimal and as asked', async () => {
    await fc.assert(
      fc.asyncProperty(briefInput, requestSpec, async (input, spec) => {
        const parsed = briefSchema.safeParse(input);
        fc.pre(parsed.success);
        const brief = deepFreeze(parsed.data!);
        const storyboard = deepFreeze(await planner.plan(brief));
        const { request, scenes } = phrase(spec, storyboard.scenes.length);
        const target: PromptTarget = { kind: 'storyboard', storyboard, brief };

        const why = impossible(spec, storyboard, scenes);
        if (why) {
          await expect(toolkit.update(target, request)).rejects.toMatchObject({ code: 'REQUEST.INVALID' });
          return;
        }
        const result = await toolkit.update(target, request);
        expect({ request, broken: rulesBroken(spec, scenes, { brief, storyboard }, result) }).toEqual({
          request,
          broken: [],
        });
      }),
      { numRuns: 400, seed: 20240611 },
    );
  });

  it('edits a brief on its own validly, and refuses scene edits it cannot make', async () => {
    await fc.assert(
      fc.asyncProperty(briefInput, requestSpec, async (input, spec) => {
        const parsed = briefSchema.safeParse(input);
        fc.pre(parsed.success);
        const brief = deepFreeze(parsed.data!);
        const { request } = phrase(spec, 5);
        const target: PromptTarget = { kind: 'brief', brief };
        if (['look', 'remove', 'swap', 'text'].includes(spec.kind)) {
          await expect(toolkit.update(target, request)).rejects.toMatchObject({ code: 'REQUEST.INVALID' });
          return;
        }
        const result = await toolkit.update(target, request);
        const allowed = allowedPaths(spec, [], true, 0);
        const stray = changedPaths({ brief }, { brief: result.brief }).filter((p) => !allowed.test(p));
        expect({ request, problems: problemsOf(result), stray }).toEqual({ request, problems: [], stray: [] });
      }),
      { numRuns: 300, seed: 20240612 },
    );
  });

  it('offers n distinct valid variations that keep length, format, call to action and compliance', async () => {
    await fc.assert(
      fc.asyncProperty(briefInput, fc.integer({ min: 1, max: 5 }), fc.boolean(), async (input, n, onStoryboard) => {
        const parsed = briefSchema.safeParse(input);
        fc.pre(parsed.success);
        const brief = deepFreeze(parsed.data!);
        const target: PromptTarget = onStoryboard
          ? { kind: 'storyboard', storyboard: deepFreeze(await planner.plan(brief)), brief }
          : { kind: 'brief', brief };

        const { items } = await toolkit.variations(target, n);

        expect(items).toHaveLength(n);
        const seen = new Set([
          JSON.stringify([brief, onStoryboard ? target.kind === 'storyboard' && target.storyboard : null]),
        ]);
        for (const item of items) {
          expect(problemsOf(item)).toEqual([]);
          expect(item.label).toMatch(/^[a-z ]+$/);
          const { durationSec, aspectRatio, callToAction, compliance } = item.brief!;
          expect({ durationSec, aspectRatio, callToAction, compliance }).toEqual({
            durationSec: brief.durationSec,
            aspectRatio: brief.aspectRatio,
            callToAction: brief.callToAction,
            compliance: brief.compliance,
          });
          seen.add(JSON.stringify([item.brief, item.storyboard ?? null]));
        }
        expect(seen.size).toBe(n + 1);
      }),
      { numRuns: 120, seed: 20240613 },
    );
  });
});
