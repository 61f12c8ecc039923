import { briefSchema } from './brief.schema';
import {
  checkMajorStatement,
  statementWindowLabel,
  majorStatementFitProblems,
  majorStatementLines,
  majorStatementMinDurationSec,
  majorStatementSec,
  planStatementLines,
  STATEMENT_BEAT,
  statementLineSec,
  withMajorStatement,
} from './major-statement';
import { type Storyboard } from './storyboard.schema';

const allergy = briefSchema.parse({
  brief: 'A TV spot for Clarivo, a once-daily allergy tablet.',
  durationSec: 30,
  product: { name: 'Clarivo' },
  compliance: {
    sideEffects: ['headache', 'dry mouth', 'drowsiness in rare cases'],
    dosage: 'One 10 mg tablet daily. Do not exceed 10 mg in 24 hours.',
    disclaimer: 'Use only as directed. Not for children under 6.',
  },
});

const scene = (index: number, durationSec: number, extra: Partial<Storyboard['scenes'][number]> = {}) => ({
  index,
  beat: index === 0 ? 'hook' : 'end-card',
  durationSec,
  visualPrompt: 'A picnic. Camera: slow push-in, 35mm lens. Framing: widescreen.',
  cameraMove: 'push-in' as const,
  onScreenText: '',
  transitionIn: index === 0 ? ('cut' as const) : ('crossfade' as const),
  palette: ['#000000', '#FFFFFF'],
  ...extra,
});

describe('major statement', () => {
  it('cuts the statement into short verbatim lines, sentences and clauses first', () => {
    const text = 'Side effects may include headache, dry mouth, drowsiness in rare cases. One 10 mg tablet daily.';
    const lines = majorStatementLines(text);

    expect(lines).toEqual([
      'Side effects may include headache, dry mouth,',
      'drowsiness in rare cases.',
      'One 10 mg tablet daily.',
    ]);
    expect(lines.join(' ')).toBe(text);
    expect(majorStatementLines('Do not exceed 10 mg in 24 hours.')).toEqual(['Do not exceed 10 mg', 'in 24 hours.']);
    expect(majorStatementLines('one two three four five six seven eight nine ten')).toEqual([
      'one two three four five',
      'six seven eight nine ten',
    ]);
  });

  it('reserves more time for longer lines, pauses and numbers, and never less than the minimum', () => {
    expect(statementLineSec('Use only as directed.')).toBeLessThan(
      statementLineSec('Do not exceed 10 mg in 24 hours.'),
    );
    expect(statementLineSec('dry mouth drowsiness')).toBeLessThan(statementLineSec('dry mouth, drowsiness'));
    expect(statementLineSec('Yes.')).toBe(1.5);
  });

  it('refuses at intake a brief too short for its statement, naming the minimum duration', () => {
    const min = majorStatementMinDurationSec(allergy)!;

    expect(min).toBe(majorStatementSec(allergy) + 4);
    expect(majorStatementFitProblems({ ...allergy, durationSec: min })).toEqual([]);
    expect(majorStatementFitProblems({ ...allergy, durationSec: min - 1 })).toEqual([
      { field: 'durationSec', reason: expect.stringContaining(`the minimum duration is ${min}s`) },
    ]);
    expect(majorStatementFitProblems({ ...allergy, durationSec: 6, voiceover: { enabled: false } })).toEqual([]);
    expect(majorStatementFitProblems({ ...allergy, compliance: undefined })).toEqual([]);
  });

  it('lays lines end to end from the window start, the last one taking the slack', () => {
    const lines = planStatementLines(['Use only as directed.', 'Not for children under 6.'], 10, 16);

    expect(lines[0]).toEqual({
      text: 'Use only as directed.',
      startSec: 10,
      endSec: 10 + statementLineSec(lines[0].text),
    });
    expect(lines[1]).toMatchObject({ startSec: lines[0].endSec, endSec: 16 });
  });

  it('lays held, silent, static scenes under the statement before the end card, entered and left with cuts', () => {
    const sec = majorStatementSec(allergy);
    const story: Storyboard = {
      title: 'Clarivo',
      aspectRatio: '16:9',
      durationSec: 30,
      scenes: [scene(0, 26 - sec, { narration: 'Achoo?' }), scene(1, 4, { narration: 'Ask your doctor.' })],
      music: { mood: 'calm', enabled: true },
      endCard: { headline: 'Clarivo', callToAction: 'Ask your doctor.', durationSec: 3 },
      compliance: { text: 'x' },
    };
    const laid = withMajorStatement(story, allergy);
    const held = laid.scenes.filter((s) => s.beat === STATEMENT_BEAT);

    expect(laid.scenes.reduce((sum, s) => sum + s.durationSec, 0)).toBe(30);
    expect(held.map((s) => [s.cameraMove, s.onScreenText, s.narration])).toEqual(
      held.map(() => ['static', '', undefined]),
    );
    expect(held[0].visualPrompt).toContain('Camera: locked-off static camera');
    expect(laid.scenes.at(-1)).toMatchObject({ beat: 'end-card', transitionIn: 'cut' });
    expect(laid.compliance?.statement).toMatchObject({ startSec: 26 - sec, endSec: 26 });
    expect(laid.compliance!.statement!.lines.map((l) => l.text).join(' ')).toBe(
      'Side effects may include headache, dry mouth, drowsiness in rare cases. One 10 mg tablet daily. ' +
        'Do not exceed 10 mg in 24 hours. Use only as directed. Not for children under 6.',
    );
    expect(checkMajorStatement(laid, allergy)).toEqual([]);
  });

  it('names what distracts from the statement in a storyboard that breaks its rules', () => {
    const sec = majorStatementSec(allergy);
    const story: Storyboard = {
      title: 'Clarivo',
      aspectRatio: '16:9',
      durationSec: 30,
      scenes: [scene(0, 26 - sec), scene(1, 4)],
      music: { mood: 'calm', enabled: true },
      endCard: { headline: 'Clarivo', callToAction: '', durationSec: 3 },
      compliance: { text: 'x' },
    };
    const laid = withMajorStatement(story, allergy);
    const broken: Storyboard = {
      ...laid,
      scenes: laid.scenes.map((s) =>
        s.beat === STATEMENT_BEAT ? { ...s, cameraMove: 'pan-left', onScreenText: 'Hi' } : s,
      ),
    };

    const window = `${statementWindowLabel(laid.compliance!.statement!)}`;
    const heldAt = laid.scenes.findIndex((s) => s.beat === STATEMENT_BEAT);
    const held = laid.scenes[heldAt];
    const during = `this scene (${26 - sec} s–${26 - sec + held.durationSec} s) plays during the major statement (${window})`;
    expect(checkMajorStatement(broken, allergy)).toEqual(
      expect.arrayContaining([
        { field: `scenes.${heldAt}.onScreenText`, reason: `must be empty: ${during}` },
        { field: `scenes.${heldAt}.cameraMove`, reason: `must be static: ${during}` },
      ]),
    );
    expect(window).toBe(`${26 - sec}–26 s`);
    expect(checkMajorStatement({ ...laid, compliance: { text: 'x' } }, allergy)).toEqual([
      { field: 'compliance.statement', reason: 'must lay out the major statement (spoken and shown)' },
    ]);
  });
});
