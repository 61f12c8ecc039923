import { assColour, assTime, escapeAssText, safeFontName } from './ass-text.util';
import { normaliseText } from './text-layout.util';

const WJ = '\u2060';

/** What libass shows for a text field outside override blocks: its escapes resolved, nothing else. */
function displayed(text: string): string {
  return text.replace(/\\(?:N|\{|\}|\u2060)/g, (m) => ({ '\\N': '\n', '\\{': '{', '\\}': '}' })[m] ?? '\\');
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

describe(safeFontName.name, () => {
  it('keeps a font name from breaking the style line', () => {
    expect(safeFontName('Evil, Font{\\b1}\nName')).toBe('Evil Font b1 Name');
    expect(safeFontName(' , ')).toBe('DejaVu Sans');
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
