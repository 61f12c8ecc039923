import { breakLongRuns, normaliseText, wrapText } from './text-layout.util';

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
