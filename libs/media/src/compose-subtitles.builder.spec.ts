import { outputSpecFor } from '@app/domain';
import {
  assColour,
  assTime,
  buildComposeSubtitles,
  complianceFontSize,
  type ComposeSubtitlesRequest,
  escapeAssText,
} from './compose-subtitles.builder';
import { normaliseText } from './text-layout.util';

const WJ = '\u2060';

function request(overrides: Partial<ComposeSubtitlesRequest> = {}): ComposeSubtitlesRequest {
  return {
    spec: outputSpecFor('16:9'),
    totalSec: 15,
    endCard: { headline: 'Breathe easy', callToAction: 'Ask your doctor', startSec: 12 },
    compliance: null,
    brandColors: ['#e9c46a'],
    fontName: 'DejaVu Sans',
    ...overrides,
  };
}

/** What libass shows for a text field outside override blocks: its escapes resolved, nothing else. */
function displayed(text: string): string {
  return text.replace(/\\(?:N|\{|\}|\u2060)/g, (m) => ({ '\\N': '\n', '\\{': '{', '\\}': '}' })[m] ?? '\\');
}

function dialogues(ass: string): string[] {
  return ass.split('\n').filter((l) => l.startsWith('Dialogue:'));
}

describe(escapeAssText.name, () => {
  it.each([
    ['{\\b1}bold', `\\{\\${WJ}b1\\}bold`],
    ['line\\Nbreak', `line\\${WJ}Nbreak`],
    ['\\h\\n\\{', `\\${WJ}h\\${WJ}n\\${WJ}\\{`],
    ['%{pts}', '%\\{pts\\}'],
    ['a}b', 'a\\}b'],
    ['two\nlines\r\nhere', 'two\\Nlines\\Nhere'],
  ])('makes %j inert', (raw, escaped) => {
    expect(escapeAssText(raw)).toBe(escaped);
  });

  it.each([
    "it's",
    'key: value',
    '[brackets] and, commas; too',
    'emoji 🌿🤧👍🏽',
    '花粉症の季節',
    'حساسية الربيع',
    'mixed עברית and English',
  ])('passes %j through verbatim', (text) => {
    expect(escapeAssText(text)).toBe(text);
  });

  it.each([
    '{\\b1}',
    '\\N',
    '%{pts}',
    "'",
    ':',
    '[',
    '{\\p1}m 0 0 l 100 0{\\p0}',
    '\\',
    '{',
    '}}{{',
    '🌿 花粉症 حساسية',
  ])('shows %j exactly as typed and opens no override block', (text) => {
    const escaped = escapeAssText(text);
    expect(displayed(escaped)).toBe(normaliseText(text));
    expect(escaped).not.toMatch(/(^|[^\\])\{/);
    expect(escaped).not.toMatch(/\\[Nnh]/);
  });
});

describe(buildComposeSubtitles.name, () => {
  it('writes the end card for a 16:9 frame inside the title-safe area', () => {
    expect(buildComposeSubtitles(request())).toBe(
      [
        '[Script Info]',
        '; Reelsmith end card and compliance text',
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
        'Style: Backdrop,DejaVu Sans,10,&H73000000,&H73000000,&H00000000,&HFF000000,0,0,0,0,100,100,0,0,1,0,0,7,128,128,72,1',
        'Style: Headline,DejaVu Sans,61,&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,3,1,5,128,128,72,1',
        'Style: CallToAction,DejaVu Sans,40,&H006AC4E9,&H006AC4E9,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,3,1,5,128,128,72,1',
        'Style: Compliance,DejaVu Sans,22,&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,2,0,2,128,128,72,1',
        '',
        '[Events]',
        'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
        'Dialogue: 0,0:00:12.00,0:00:15.00,Backdrop,,0,0,0,,{\\an7\\pos(0,0)\\p1\\fad(300,0)}m 0 0 l 1280 0 1280 720 0 720{\\p0}',
        'Dialogue: 1,0:00:12.00,0:00:15.00,Headline,,0,0,0,,{\\an5\\pos(640,360)\\fad(300,0)}Breathe easy\\N{\\rCallToAction}Ask your doctor',
        '',
      ].join('\n'),
    );
  });

  it('shows compliance small at the bottom from its start to the end and lifts the card above it', () => {
    const ass = buildComposeSubtitles(
      request({ compliance: { text: 'Side effects may include drowsiness.', startSec: 11.5 } }),
    );
    const [, card, compliance] = dialogues(ass);
    expect(card).toMatch(/\\pos\(640,(\d+)\)/);
    expect(Number(/\\pos\(640,(\d+)\)/.exec(card)?.[1])).toBeLessThan(360);
    expect(compliance).toBe(
      'Dialogue: 1,0:00:11.50,0:00:15.00,Compliance,,0,0,0,,{\\fad(300,0)}Side effects may include drowsiness.',
    );
    expect(ass).toContain('Style: Compliance,DejaVu Sans,22,');
  });

  it('keeps hostile text inert in every event', () => {
    const hostile = "{\\b1}\\N %{pts} it's: [x] 🌿 花粉症 حساسية";
    const ass = buildComposeSubtitles(
      request({
        endCard: { headline: hostile, callToAction: hostile, startSec: 12 },
        compliance: { text: hostile, startSec: 12 },
      }),
    );
    const escaped = escapeAssText(hostile);
    const [, card, compliance] = dialogues(ass);
    expect(card.endsWith(`}${escaped}\\N{\\rCallToAction}${escaped}`)).toBe(true);
    expect(compliance.endsWith(`{\\fad(300,0)}${escaped}`)).toBe(true);
    expect(dialogues(ass)).toHaveLength(3);
  });

  it.each([
    ['9:16', 720, 1280, 72, 128, 61],
    ['1:1', 1080, 1080, 108, 108, 92],
  ] as const)('sizes %s for its frame', (aspect, w, h, marginX, marginY, headline) => {
    const ass = buildComposeSubtitles(request({ spec: outputSpecFor(aspect) }));
    expect(ass).toContain(`PlayResX: ${w}\nPlayResY: ${h}\n`);
    expect(ass).toContain(`Style: Headline,DejaVu Sans,${headline},`);
    expect(ass).toContain(`,5,${marginX},${marginX},${marginY},1`);
    expect(ass).toContain(`{\\an5\\pos(${w / 2},${h / 2})`);
  });

  it('puts a dark brand colour in the outline and keeps the call to action white', () => {
    const ass = buildComposeSubtitles(request({ brandColors: ['not a colour', '#1d3557'] }));
    expect(ass).toContain('Style: CallToAction,DejaVu Sans,40,&H00FFFFFF,&H00FFFFFF,&H0057351D,');
  });

  it('breaks space-less runs too wide for the frame so libass never has to cut them', () => {
    const ass = buildComposeSubtitles(
      request({ endCard: { headline: '花'.repeat(40), callToAction: '', startSec: 12 } }),
    );
    const card = dialogues(ass)[1];
    // 1024 px of safe width at 61 px per CJK character: 16 per line.
    expect(card.endsWith(`}${'花'.repeat(16)}\\N${'花'.repeat(16)}\\N${'花'.repeat(8)}`)).toBe(true);
  });

  it('keeps a font name from breaking the style line', () => {
    const ass = buildComposeSubtitles(request({ fontName: 'Evil, Font{\\b1}\nName' }));
    expect(ass).toContain('Style: Headline,Evil Font b1 Name,61,');
    expect(buildComposeSubtitles(request({ fontName: ' , ' }))).toContain('Style: Headline,DejaVu Sans,61,');
  });
});

describe(complianceFontSize.name, () => {
  it('keeps the full size for short text and shrinks long text down to a legible minimum', () => {
    const spec = outputSpecFor('16:9');
    expect(complianceFontSize('Use as directed.', spec)).toBe(22);
    const medium = complianceFontSize('Read the label before use. '.repeat(30), spec);
    expect(medium).toBeLessThan(22);
    expect(medium).toBeGreaterThan(13);
    expect(complianceFontSize('x '.repeat(2000), spec)).toBe(13);
  });
});

describe(assTime.name, () => {
  it('prints h:mm:ss.cc', () => {
    expect(assTime(0)).toBe('0:00:00.00');
    expect(assTime(75.456)).toBe('0:01:15.46');
    expect(assTime(3725)).toBe('1:02:05.00');
  });
});

describe(assColour.name, () => {
  it('turns #RRGGBB into &HAABBGGRR', () => {
    expect(assColour('#e9c46a')).toBe('&H006AC4E9');
    expect(assColour('#000000', 0x80)).toBe('&H80000000');
    expect(() => assColour('e9c46a')).toThrow(RangeError);
  });
});
