import { outputSpecFor } from '@app/domain';
import { planCompliance } from './compliance-plan.builder';
import { type FinalCutAssRequest, buildFinalCutAss, watermarkTextSpans } from './final-cut-subtitles.builder';
import { type FinalCutTimeline } from './final-cut-timeline.builder';
import { glyphWidthEm, normaliseText } from './text-layout.util';
import { typeLayout } from './type-layout.util';

const landscape = outputSpecFor('16:9');

function timeline(overrides: Partial<FinalCutTimeline> = {}): FinalCutTimeline {
  return {
    totalSec: 10,
    scenes: [{ startSec: 1, endSec: 4, text: 'Meet Clarivo' }],
    endCard: { headline: 'Clarivo', callToAction: 'Ask your doctor.', startSec: 7 },
    compliance: null,
    narration: [],
    captions: [],
    ...overrides,
  };
}

function request(overrides: Partial<FinalCutAssRequest> = {}): FinalCutAssRequest {
  return {
    spec: landscape,
    timeline: timeline(),
    compliance: null,
    fontName: 'DejaVu Sans',
    brandColors: [],
    watermark: null,
    ...overrides,
  };
}

const dialogues = (ass: string) => ass.split('\n').filter((l) => l.startsWith('Dialogue:'));

/** A Dialogue's fields, its leading override block (ours) and the rest (the user's text, escaped). */
function parts(line: string) {
  const fields = line.slice('Dialogue: '.length).split(',');
  const text = fields.slice(9).join(',');
  const match = /^(\{[^}]*\})(.*)$/.exec(text);
  if (!match) throw new Error(`no override block in ${line}`);
  return { start: fields[1], end: fields[2], style: fields[3], tags: match[1], body: match[2] };
}

/** What libass shows for text outside override blocks: its escapes resolved, nothing else. */
function displayed(body: string): string {
  return body.replace(/\\(?:N|\{|\}|\u2060)/g, (m) => ({ '\\N': '\n', '\\{': '{', '\\}': '}' })[m] ?? '\\');
}

const pos = (tags: string) => {
  const m = /\\pos\((-?\d+),(-?\d+)\)/.exec(tags);
  return m ? { x: Number(m[1]), y: Number(m[2]) } : null;
};

describe(buildFinalCutAss.name, () => {
  it('writes scene text, end card and styles for a 16:9 frame', () => {
    expect(buildFinalCutAss(request())).toBe(
      [
        '[Script Info]',
        '; Reelsmith final cut type',
        'ScriptType: v4.00+',
        'PlayResX: 1280',
        'PlayResY: 720',
        'WrapStyle: 0',
        'ScaledBorderAndShadow: yes',
        'YCbCr Matrix: None',
        '',
        '[V4+ Styles]',
        'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, ' +
          'Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, ' +
          'MarginV, Encoding',
        'Style: Scene,DejaVu Sans,40,&H00FFFFFF,&H00FFFFFF,&H00000000,&H60000000,-1,0,0,0,100,100,0,0,1,3,2,2,128,128,72,1',
        'Style: Headline,DejaVu Sans,61,&H00FFFFFF,&H00FFFFFF,&H00000000,&H60000000,-1,0,0,0,100,100,0,0,1,3,2,8,128,128,72,1',
        'Style: CallToAction,DejaVu Sans,40,&H00FFFFFF,&H00FFFFFF,&H00000000,&H60000000,-1,0,0,0,100,100,0,0,1,3,2,8,128,128,72,1',
        'Style: Compliance,DejaVu Sans,29,&H00FFFFFF,&H00FFFFFF,&H00000000,&H60000000,0,0,0,0,100,100,0,0,1,3,0,2,128,128,72,1',
        'Style: Watermark,DejaVu Sans,22,&H00FFFFFF,&H00FFFFFF,&H40000000,&HFF000000,0,0,0,0,100,100,0,0,1,2,0,9,128,128,72,1',
        '',
        '[Events]',
        'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
        'Dialogue: 0,0:00:01.00,0:00:04.00,Scene,,0,0,0,,{\\an2\\pos(640,648)\\fad(250,250)}Meet Clarivo',
        'Dialogue: 1,0:00:07.00,0:00:10.00,Headline,,0,0,0,,{\\an8\\pos(640,288)\\fad(300,0)}Clarivo',
        'Dialogue: 1,0:00:07.00,0:00:10.00,CallToAction,,0,0,0,,{\\an8\\pos(640,383)\\fad(300,0)}Ask your doctor.',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['16:9', 1280, 720],
    ['9:16', 720, 1280],
    ['1:1', 1080, 1080],
  ] as const)('lays %s out in its own pixels, every block inside the title-safe area', (ratio, w, h) => {
    const spec = outputSpecFor(ratio);
    const L = typeLayout(spec);
    const text = 'Side effects may include headache, dry mouth and drowsiness. Use only as directed.';
    const compliance = planCompliance(text, 10, 7, spec);
    const ass = buildFinalCutAss(
      request({
        spec,
        timeline: timeline({
          scenes: [{ startSec: 1, endSec: 8, text: 'Twenty-four hour non-drowsy allergy relief, one tablet a day' }],
        }),
        compliance,
      }),
    );
    expect(ass).toContain(`PlayResX: ${w}\nPlayResY: ${h}\n`);
    expect(ass).toContain(`Style: Scene,DejaVu Sans,${L.sceneSize},`);
    for (const line of dialogues(ass)) {
      const { tags, body } = parts(line);
      const p = pos(tags);
      expect(p).not.toBeNull();
      expect(p!.x).toBe(w / 2);
      expect(p!.y).toBeGreaterThanOrEqual(L.titleY);
      expect(p!.y).toBeLessThanOrEqual(h - L.titleY);
      const styleSize: Record<string, number> = {
        Scene: L.sceneSize,
        Headline: L.headlineSize,
        CallToAction: L.ctaSize,
        Compliance: L.complianceSize,
      };
      const size = Number(/\\fs(\d+)/.exec(tags)?.[1] ?? styleSize[parts(line).style]);
      for (const row of displayed(body).split('\n')) {
        const em = [...row].reduce((sum, ch) => sum + glyphWidthEm(ch), 0);
        expect(em * size).toBeLessThanOrEqual(L.lineWidth);
      }
    }
  });

  it('raises scene text above the compliance slate while both are on screen', () => {
    const compliance = planCompliance('Use only as directed.', 10, 7, landscape);
    const lines = dialogues(
      buildFinalCutAss(
        request({ timeline: timeline({ scenes: [{ startSec: 5, endSec: 9, text: 'Hi' }] }), compliance }),
      ),
    );
    const scene = lines.filter((l) => parts(l).style === 'Scene').map(parts);
    expect(scene.map((s) => [s.start, s.end, pos(s.tags)?.y])).toEqual([
      ['0:00:05.00', '0:00:07.00', 648],
      ['0:00:07.00', '0:00:09.00', 648 - compliance.heightPx - typeLayout(landscape).gap],
    ]);
    const slate = lines.map(parts).find((p) => p.style === 'Compliance');
    expect(slate).toMatchObject({ start: '0:00:07.00', end: '0:00:10.00', tags: '{\\an2\\pos(640,648)}' });
    const headline = lines.map(parts).find((p) => p.style === 'Headline');
    expect(pos(headline!.tags)!.y).toBeLessThan(360);
  });

  it('crawls one line right to left through the title-safe width, clipped to it', () => {
    const text = Array.from({ length: 60 }, () => 'word').join(' ');
    const compliance = planCompliance(text, 30, 27, landscape);
    const [line] = dialogues(
      buildFinalCutAss(request({ timeline: timeline({ totalSec: 30, scenes: [], endCard: null }), compliance })),
    );
    const width = Math.ceil([...compliance.lines[0]].reduce((s, ch) => s + glyphWidthEm(ch, 'regular'), 0) * 29) + 6;
    expect(parts(line)).toEqual({
      start: '0:00:09.00',
      end: '0:00:30.00',
      style: 'Compliance',
      tags: `{\\an1\\q2\\clip(128,0,1152,720)\\move(1152,648,${128 - width},648)}`,
      body: text,
    });
  });

  it.each([
    ['top-left', '\\an7\\pos(64,36)'],
    ['top-right', '\\an9\\pos(1216,36)'],
    ['bottom-left', '\\an1\\pos(64,684)'],
    ['bottom-right', '\\an3\\pos(1216,684)'],
  ] as const)('puts a %s text watermark in the action-safe corner, translucent', (position, tags) => {
    const ass = buildFinalCutAss(
      request({
        watermark: { text: 'Demo', position, opacity: 0.6, logoHeightPx: 0 },
        timeline: timeline({ scenes: [] }),
      }),
    );
    expect(dialogues(ass).at(-1)).toBe(`Dialogue: 3,0:00:00.00,0:00:10.00,Watermark,,0,0,0,,{${tags}}Demo`);
    expect(ass).toContain('Style: Watermark,DejaVu Sans,22,&H66FFFFFF,&H66FFFFFF,&HA6000000,');
  });

  it('sets a text watermark beside a logo in the same corner', () => {
    const ass = buildFinalCutAss(
      request({
        watermark: { text: 'Demo', position: 'top-right', opacity: 1, logoHeightPx: 58 },
        timeline: timeline(),
      }),
    );
    expect(dialogues(ass).at(-1)).toContain('{\\an9\\pos(1216,103)}Demo');
  });

  it('hides the text watermark inside the major statement window and shows it before and after (issue 17)', () => {
    const statement = {
      startSec: 3.5,
      endSec: 7.25,
      lines: [{ text: 'May cause dry mouth.', startSec: 3.5, endSec: 7.25 }],
    };
    const ass = buildFinalCutAss(
      request({
        watermark: { text: 'Demo', position: 'top-right', opacity: 0.6, logoHeightPx: 0 },
        timeline: timeline({ scenes: [], endCard: null, statement }),
      }),
    );
    const marks = dialogues(ass).filter((l) => parts(l).style === 'Watermark');
    expect(marks.map((l) => [parts(l).start, parts(l).end, parts(l).body])).toEqual([
      ['0:00:00.00', '0:00:03.50', 'Demo'],
      ['0:00:07.25', '0:00:10.00', 'Demo'],
    ]);
    // the statement line is the only text shown inside its window
    const inside = dialogues(ass).filter((l) => parts(l).start < '0:00:07.25' && parts(l).end > '0:00:03.50');
    expect(inside.length).toBeGreaterThan(0);
    expect(new Set(inside.map((l) => parts(l).style))).toEqual(new Set(['Statement']));
  });

  it('accents the call to action with a light brand colour, or outlines it with a dark one', () => {
    expect(buildFinalCutAss(request({ brandColors: ['nope', '#F9FBE7'] }))).toContain(
      'Style: CallToAction,DejaVu Sans,40,&H00E7FBF9,&H00E7FBF9,&H00000000,',
    );
    expect(buildFinalCutAss(request({ brandColors: ['#2E7D32'] }))).toContain(
      'Style: CallToAction,DejaVu Sans,40,&H00FFFFFF,&H00FFFFFF,&H00327D2E,',
    );
  });

  const HOSTILE = [
    '{\\b1}bold{\\b0}',
    '\\N\\n\\h',
    '%{pts} %{eif:1:d}',
    "it's: [x]; a,b=c",
    'line one\nline two\r\nthree',
    '{\\p1}m 0 0 l 100 0 100 100{\\p0}',
    'Dialogue: 9,0:00:00.00,9:00:00.00,Scene,,0,0,0,,owned',
    '🌿🤧 花粉症の季節 حساسية الربيع עברית',
    '\\',
    '}{',
  ];

  it.each(HOSTILE.map((t) => [t]))('shows %j exactly as typed and lets it style nothing', (text) => {
    const ass = buildFinalCutAss(
      request({
        timeline: timeline({
          scenes: [{ startSec: 1, endSec: 4, text }],
          endCard: { headline: text, callToAction: text, startSec: 7 },
        }),
        compliance: planCompliance(text, 10, 7, landscape),
        watermark: { text, position: 'top-left', opacity: 0.5, logoHeightPx: 0 },
        fontName: text,
      }),
    );
    const lines = dialogues(ass);
    expect(lines).toHaveLength(5);
    expect(ass.split('\n').filter((l) => l.startsWith('Style:'))).toHaveLength(5);
    // Wrapping may break a line anywhere, even inside a word too long for it; every character stays, in order.
    const expected = normaliseText(text).replace(/\s+/g, '');
    for (const line of lines) {
      const { body } = parts(line);
      // Only our own escapes: a brace is always escaped, a backslash always broken by a word joiner.
      expect(body).not.toMatch(/(^|[^\\])[{}]/);
      expect(body.replace(/\\[N{}]/g, '')).not.toMatch(/\\[^\u2060]/);
      expect(displayed(body).replace(/\s+/g, '')).toBe(expected);
    }
  });
});

describe(watermarkTextSpans.name, () => {
  it('is the whole ad without a statement', () => {
    expect(watermarkTextSpans(30, null)).toEqual([{ startSec: 0, endSec: 30 }]);
  });

  it('leaves out the statement window, and drops an empty side when the window reaches an end', () => {
    expect(watermarkTextSpans(30, { startSec: 12, endSec: 20 })).toEqual([
      { startSec: 0, endSec: 12 },
      { startSec: 20, endSec: 30 },
    ]);
    expect(watermarkTextSpans(30, { startSec: 18, endSec: 30 })).toEqual([{ startSec: 0, endSec: 18 }]);
    expect(watermarkTextSpans(30, { startSec: 0, endSec: 30 })).toEqual([]);
  });
});
