import { breakLongRuns, glyphWidthEm, normaliseText, textWidthEm, wrapMeasured, wrapText } from './text-layout.util';

describe(wrapText.name, () => {
  it('wraps words greedily to the width', () => {
    // 0.5 em per character, 5 em per line: 10 characters.
    expect(wrapText('one two three four five', 5, 0.5)).toEqual(['one two', 'three four', 'five']);
  });

  it('keeps the caller’s line breaks and drops repeated spaces', () => {
    expect(wrapText('a  b\r\nc', 5, 0.5)).toEqual(['a b', 'c']);
  });

  it('breaks a run too long for a line between characters, CJK counted full width', () => {
    expect(wrapText('花粉症の季節です', 3, 0.5)).toEqual(['花粉症', 'の季節', 'です']);
    expect(wrapText('abcdefghijkl', 2, 0.5)).toEqual(['abcd', 'efgh', 'ijkl']);
  });

  it('keeps emoji whole', () => {
    expect(wrapText('🌿🌿🌿', 2, 0.5)).toEqual(['🌿🌿', '🌿']);
  });
});

describe(breakLongRuns.name, () => {
  it('leaves spaced text to the renderer and only breaks runs wider than a line', () => {
    expect(breakLongRuns('short words stay', 4, 0.5)).toBe('short words stay');
    expect(breakLongRuns('see https://example.com/x', 4, 0.5)).toBe('see https://\nexample.\ncom/x');
  });
});

describe(normaliseText.name, () => {
  it('turns every newline form into \\n and other control characters into spaces', () => {
    expect(normaliseText('a\r\nb\rc\u2028d\te\u0000f')).toBe('a\nb\nc\nd e f');
  });
});

describe(glyphWidthEm.name, () => {
  it('uses DejaVu Sans Bold’s advances for ASCII and errs wide elsewhere', () => {
    expect(glyphWidthEm('W')).toBe(1.11);
    expect(glyphWidthEm('i')).toBe(0.35);
    expect(glyphWidthEm('é')).toBe(0.9);
    expect(glyphWidthEm('花')).toBe(1);
    expect(glyphWidthEm('\u0301')).toBe(0);
    expect(textWidthEm('Wi')).toBeCloseTo(1.46);
    expect(glyphWidthEm('W', 'regular')).toBe(0.99);
    expect(textWidthEm('Wi', 'regular')).toBeCloseTo(1.27);
  });
});

describe(wrapMeasured.name, () => {
  it('wraps at spaces and breaks only words wider than a line', () => {
    const oneEm = () => 1;
    expect(wrapMeasured('one two three', 7, oneEm)).toEqual(['one two', 'three']);
    expect(wrapMeasured('abcdefghij x', 4, oneEm)).toEqual(['abcd', 'efgh', 'ij x']);
    expect(wrapMeasured('a\n\nb', 4, oneEm)).toEqual(['a', '', 'b']);
  });
});
