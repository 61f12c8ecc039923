import { fitsScene, maxSpokenWords, mentionsAny, spokenWordCount, trimToScene, withoutAddresses } from './spoken-line';

describe(maxSpokenWords.name, () => {
  it('allows 2.3 words a second, rounded down', () => {
    expect([2, 3, 4, 5, 10, 12].map(maxSpokenWords)).toEqual([4, 6, 9, 11, 23, 27]);
  });
});

describe(spokenWordCount.name, () => {
  it('counts at least every written word, and numbers and hyphenated parts as they are said', () => {
    expect(spokenWordCount('Ask your doctor about Clarivo.')).toBe(5);
    expect(spokenWordCount('24-hour relief')).toBe(4);
    expect(spokenWordCount('Salt & pepper — always.')).toBe(5);
    expect(spokenWordCount('P'.repeat(120))).toBe(8);
  });
});

describe(withoutAddresses.name, () => {
  it.each([
    ['Run brighter. voltrunner.example', 'Run brighter.'],
    ['Shop now at acme.com.', 'Shop now.'],
    ['Visit https://acme.com/spring today!', 'today!'],
    ['Email hello@acme.co.uk for a sample.', 'Email for a sample.'],
    ['voltrunner.example', ''],
    ['Book a fitting. Call 0800 123 456 or visit atelier.example today.', 'Book a fitting. Call 0800 123 456 today.'],
    ['Ask your doctor about Clarivo.', 'Ask your doctor about Clarivo.'],
    ['One 10.5 mg tablet, e.g. with food', 'One 10.5 mg tablet, e.g. with food.'],
  ])('says %p as %p', (text, said) => {
    expect(withoutAddresses(text)).toBe(said);
  });
});

describe(trimToScene.name, () => {
  it('keeps a line that fits', () => {
    expect(trimToScene('Sound familiar? We’ve all been there.', 3)).toBe('Sound familiar? We’ve all been there.');
  });

  it('keeps whole sentences from the start, then a leading clause, when the scene is shorter', () => {
    expect(trimToScene('Sound familiar? We’ve all been there.', 2)).toBe('Sound familiar?');
    expect(trimToScene('Introducing Clarivo: 24-hour non-drowsy allergy relief.', 2)).toBe('Introducing Clarivo.');
  });

  it('drops a line that cannot be shortened into something meaningful', () => {
    expect(trimToScene('Is sneezing ruining your family picnic?', 2)).toBeNull();
  });
});

describe(fitsScene.name, () => {
  it('holds a line to the scene’s words and the schema’s 300 characters', () => {
    expect(fitsScene('one two three four', 2)).toBe(true);
    expect(fitsScene('one two three four five', 2)).toBe(false);
    expect(fitsScene(`${'a'.repeat(150)} ${'b'.repeat(150)}`, 12)).toBe(false);
  });
});

describe(mentionsAny.name, () => {
  it('matches whole phrases, ignoring case', () => {
    expect(mentionsAny('Headache relief, fast.', ['headache'])).toBe(true);
    expect(mentionsAny('Use only as directed. Enjoy.', ['Use only as directed.'])).toBe(true);
    expect(mentionsAny('Nobody naps now.', ['N', 'nap'])).toBe(false);
    expect(mentionsAny('Anything', [undefined, ''])).toBe(false);
  });
});
