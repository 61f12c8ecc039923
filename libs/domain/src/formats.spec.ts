import { z } from 'zod';
import { aspectRatiosOf, briefSchema } from './brief.schema';
import { clipDurationSec, isBlended, transitionSecOf } from './continuity';
import { validateWith } from './validation';

describe(aspectRatiosOf.name, () => {
  it('lists the master first, then the other requested formats once each', () => {
    const brief = briefSchema.parse({
      brief: 'A bumper for a bakery.',
      aspectRatio: '9:16',
      aspectRatios: ['16:9', '9:16', '1:1'],
    });
    expect(aspectRatiosOf(brief)).toEqual(['9:16', '16:9', '1:1']);
    expect(aspectRatiosOf(briefSchema.parse({ brief: 'A bumper for a bakery.' }))).toEqual(['16:9']);
  });

  it('names the problem when the formats leave out the master', () => {
    const result = validateWith(briefSchema, { brief: 'A bumper for a bakery.', aspectRatios: ['9:16', '1:1'] });
    expect(result).toMatchObject({
      ok: false,
      problems: [{ field: 'aspectRatios', reason: expect.stringContaining('"16:9"') }],
    });
  });

  it('still derives a JSON Schema for LLM structured output', () => {
    expect(Object.keys((z.toJSONSchema(briefSchema) as { properties: object }).properties)).toEqual(
      expect.arrayContaining(['aspectRatios', 'loudness', 'watermark', 'voiceover']),
    );
  });
});

describe(clipDurationSec.name, () => {
  it('carries the next scene’s blend length as tail, whatever the blend', () => {
    const scenes = [
      { durationSec: 3, transitionIn: 'cut' as const },
      { durationSec: 3, transitionIn: 'wipe-left' as const, transitionSec: 0.8 },
      { durationSec: 3, transitionIn: 'dip-to-black' as const },
      { durationSec: 3, transitionIn: 'continuous' as const },
    ];
    expect(scenes.map((_, i) => clipDurationSec(scenes, i))).toEqual([3.8, 3.5, 3, 3]);
    expect(scenes.map(transitionSecOf)).toEqual([0, 0.8, 0.5, 0]);
    expect(scenes.map((s) => isBlended(s.transitionIn))).toEqual([false, true, true, false]);
  });
});
