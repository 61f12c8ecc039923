import { escapeFilterValue, ffmpegColour, formatSeconds } from './filter-syntax.util';

describe(escapeFilterValue.name, () => {
  it('leaves an ordinary path alone', () => {
    expect(escapeFilterValue('/tmp/work-1/scene_0.ass')).toBe('/tmp/work-1/scene_0.ass');
  });

  it.each([
    // option level escapes : \ ' ; graph level then escapes \ ' [ ] , ;
    [':', '\\\\:'],
    ["'", "\\\\\\'"],
    ['\\', '\\\\\\\\'],
    [',', '\\,'],
    ['[', '\\['],
    [']', '\\]'],
    [';', '\\;'],
  ])('escapes %s for both parser levels', (raw, escaped) => {
    expect(escapeFilterValue(`/a${raw}b`)).toBe(`/a${escaped}b`);
  });

  it('escapes a path full of special characters the way ffmpeg documents it', () => {
    expect(escapeFilterValue("/tmp/it's: a [test], ok; C:\\x")).toBe(
      "/tmp/it\\\\\\'s\\\\: a \\[test\\]\\, ok\\; C\\\\:\\\\\\\\x",
    );
  });

  it('escapes the commas of an expression for the graph parser', () => {
    expect(escapeFilterValue('clip(t,0,1)')).toBe('clip(t\\,0\\,1)');
  });
});

describe(formatSeconds.name, () => {
  it('prints whole and fractional seconds without float noise', () => {
    expect(formatSeconds(15)).toBe('15');
    expect(formatSeconds(2.5)).toBe('2.5');
    expect(formatSeconds(49 / 24)).toBe('2.041667');
    expect(formatSeconds(0.1 + 0.2)).toBe('0.3');
  });

  it('refuses a non-finite number', () => {
    expect(() => formatSeconds(NaN)).toThrow(RangeError);
  });
});

describe(ffmpegColour.name, () => {
  it('turns #RRGGBB into 0xRRGGBB with an optional alpha', () => {
    expect(ffmpegColour('#1d3557')).toBe('0x1D3557');
    expect(ffmpegColour('#1d3557', 0.555)).toBe('0x1D3557@0.56');
  });

  it.each(['red', '#12345', '#1234567', '#12345g', '#123456:x', '#123456@0.5'])('refuses %s', (colour) => {
    expect(() => ffmpegColour(colour)).toThrow(RangeError);
  });
});
