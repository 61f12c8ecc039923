import { buildPatchJoinList, changedTextWindow, patchWindow } from './cut-patch.builder';

const HEAD = [
  '[Script Info]',
  'PlayResX: 1280',
  'PlayResY: 720',
  '',
  '[Events]',
  'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
];
const line = (start: string, end: string, text: string) => `Dialogue: 1,${start},${end},Scene,,0,0,0,,${text}`;
const ass = (...events: string[]) => [...HEAD, ...events, ''].join('\n');

describe(changedTextWindow.name, () => {
  const before = ass(
    line('0:00:00.50', '0:00:03.00', 'Spring is back'),
    line('0:00:24.00', '0:00:30.00', 'Breathe in spring'),
  );

  it('spans the lines one script has and the other has not', () => {
    const after = ass(
      line('0:00:00.50', '0:00:03.00', 'Now in a bigger pack'),
      line('0:00:24.00', '0:00:30.00', 'Breathe in spring'),
    );
    expect(changedTextWindow(before, after)).toEqual({ startSec: 0.5, endSec: 3 });
  });

  it('covers a line that moved: where it was and where it is', () => {
    const after = ass(
      line('0:00:05.25', '0:00:07.00', 'Spring is back'),
      line('0:00:24.00', '0:00:30.00', 'Breathe in spring'),
    );
    expect(changedTextWindow(before, after)).toEqual({ startSec: 0.5, endSec: 7 });
  });

  it('says the same for the same lines, and nothing can be kept when the styles or sizes differ', () => {
    expect(changedTextWindow(before, before)).toBe('same');
    expect(changedTextWindow(null, null)).toBe('same');
    expect(changedTextWindow(before.replace('PlayResX: 1280', 'PlayResX: 1080'), before)).toBeNull();
    expect(changedTextWindow(null, before)).toBeNull();
  });
});

describe(patchWindow.name, () => {
  it('widens to whole GOPs of the earlier cut, within the ad', () => {
    expect(patchWindow({ startSec: 0.5, endSec: 3 }, 30)).toEqual({ startSec: 0, endSec: 4 });
    expect(patchWindow({ startSec: 27.1, endSec: 30 }, 30)).toEqual({ startSec: 26, endSec: 30 });
    expect(patchWindow({ startSec: 5, endSec: 5.5 }, 7)).toEqual({ startSec: 4, endSec: 6 });
  });

  it('gives up when the GOPs would be most of the ad', () => {
    expect(patchWindow({ startSec: 1, endSec: 25 }, 30)).toBeNull();
  });
});

describe(buildPatchJoinList.name, () => {
  it('joins the earlier cut around the re-encoded window at its IDR frames', () => {
    expect(buildPatchJoinList('/w/prev.mp4', '/w/patch.mp4', { startSec: 4, endSec: 8 }, 30)).toBe(
      "ffconcat version 1.0\nfile '/w/prev.mp4'\noutpoint 4\nfile '/w/patch.mp4'\nfile '/w/prev.mp4'\ninpoint 8\n",
    );
    expect(buildPatchJoinList("/w/it's.mp4", '/w/patch.mp4', { startSec: 0, endSec: 30 }, 30)).toBe(
      "ffconcat version 1.0\nfile '/w/patch.mp4'\n",
    );
  });
});
