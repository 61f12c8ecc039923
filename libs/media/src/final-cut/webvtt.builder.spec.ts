import { parseWebVtt } from '@app/testing';
import { buildWebVtt, escapeVttText, vttTime } from './webvtt.builder';

describe(buildWebVtt.name, () => {
  it('writes the header and cues in start order with HH:MM:SS.mmm timings', () => {
    const vtt = buildWebVtt([
      { startSec: 27, endSec: 30, text: 'Clarivo\nAsk your doctor.' },
      { startSec: 0.5, endSec: 4.25, text: 'Allergies ruin picnics.' },
      { startSec: 3725.0004, endSec: 3726, text: 'late' },
    ]);
    expect(vtt).toBe(
      [
        'WEBVTT',
        '',
        '00:00:00.500 --> 00:00:04.250',
        'Allergies ruin picnics.',
        '',
        '00:00:27.000 --> 00:00:30.000',
        'Clarivo',
        'Ask your doctor.',
        '',
        '01:02:05.000 --> 01:02:06.000',
        'late',
        '',
      ].join('\n'),
    );
    expect(parseWebVtt(vtt)).toHaveLength(3);
  });

  it('keeps markup, arrows and blank lines in the text from meaning anything', () => {
    const vtt = buildWebVtt([{ startSec: 1, endSec: 2, text: '<b>R&D</b> --> next\n\n\nline {\\b1} %{pts}' }]);
    expect(parseWebVtt(vtt)).toEqual([
      { startSec: 1, endSec: 2, text: '&lt;b&gt;R&amp;D&lt;/b&gt; --&gt; next\nline {\\b1} %{pts}' },
    ]);
  });

  it('leaves out empty and zero-length cues', () => {
    expect(
      buildWebVtt([
        { startSec: 1, endSec: 1, text: 'nothing' },
        { startSec: 1, endSec: 2, text: ' \n ' },
      ]),
    ).toBe('WEBVTT\n');
  });
});

describe(vttTime.name, () => {
  it('rounds to the millisecond and never goes negative', () => {
    expect(vttTime(0)).toBe('00:00:00.000');
    expect(vttTime(59.9996)).toBe('00:01:00.000');
    expect(vttTime(-1)).toBe('00:00:00.000');
  });
});

describe(escapeVttText.name, () => {
  it('passes emoji, CJK and right-to-left text through', () => {
    expect(escapeVttText('🌿 花粉症 حساسية עברית')).toBe('🌿 花粉症 حساسية עברית');
  });
});
