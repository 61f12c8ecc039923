import { buildMeasureLoudnessCommand, parseEbur128Summary } from './loudness.builder';

const SUMMARY = [
  '[Parsed_ebur128_0 @ 0x5568c67742c0] Summary:',
  '',
  '  Integrated loudness:',
  '    I:         -14.0 LUFS',
  '    Threshold: -24.1 LUFS',
  '',
  '  Loudness range:',
  '    LRA:         1.3 LU',
  '    Threshold: -34.0 LUFS',
  '    LRA low:   -14.6 LUFS',
  '    LRA high:  -13.3 LUFS',
  '',
  '  True peak:',
  '    Peak:       -1.1 dBFS',
];

describe(buildMeasureLoudnessCommand.name, () => {
  it('runs ebur128 with true peak on the first audio stream and writes nothing', () => {
    expect(buildMeasureLoudnessCommand('/w/out.mp4')).toEqual({
      inputs: [{ path: '/w/out.mp4', options: [] }],
      outputs: [{ path: '-', options: ['-map', '0:a:0', '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null'] }],
    });
  });
});

describe(parseEbur128Summary.name, () => {
  it('reads integrated loudness, true peak and loudness range from the summary', () => {
    expect(parseEbur128Summary(['size=N/A time=00:00:30.00', ...SUMMARY])).toEqual({
      integratedLufs: -14,
      truePeakDb: -1.1,
      lra: 1.3,
    });
  });

  it('reads silence as -Infinity', () => {
    const silent = SUMMARY.map((l) => l.replace('-1.1 dBFS', '-inf dBFS'));
    expect(parseEbur128Summary(silent).truePeakDb).toBe(-Infinity);
  });

  it('fails when ffmpeg printed no summary', () => {
    expect(() => parseEbur128Summary(['frame=1'])).toThrow(RangeError);
    expect(() => parseEbur128Summary(SUMMARY.slice(0, 5))).toThrow(RangeError);
  });
});
