import {
  buildSpanLoudnessCommand,
  firstGlyphHeightPx,
  parseSilences,
  regionContrast,
  speechIn,
  statementStemOutputs,
  buildFramesGrabCommand,
} from './statement-measure.builder';

/** A dark plate with one white block (a stand-in glyph) of the given size at (x, y). */
function frame(width: number, height: number, glyph: { x: number; y: number; w: number; h: number }): Buffer {
  const rgb = Buffer.alloc(width * height * 3, 0x10);
  for (let y = glyph.y; y < glyph.y + glyph.h; y++) {
    for (let x = glyph.x; x < glyph.x + glyph.w; x++) rgb.fill(0xff, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return rgb;
}

describe('statement measurement', () => {
  it('grabs the frame at each line in one decoding pass, naming which frame of the file each line is', () => {
    const { command, frameOf } = buildFramesGrabCommand('/w/out.mp4', [8.9, 12, 8.9, 0], 24, '/w/frames.rgb');
    expect(frameOf).toEqual([1, 2, 1, 0]);
    expect(command.inputs).toEqual([{ path: '/w/out.mp4', options: [] }]);
    expect(command.outputs[0].options).toEqual([
      '-map',
      '0:v:0',
      '-vf',
      'select=eq(n\\,0)+eq(n\\,214)+eq(n\\,288)',
      '-fps_mode',
      'passthrough',
      '-frames:v',
      '3',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-y',
    ]);
  });

  it('measures the WCAG contrast of white glyphs on the dark plate', () => {
    const rgb = frame(100, 50, { x: 10, y: 10, w: 20, h: 28 });
    const { ratio } = regionContrast(rgb, 100, { x: 0, y: 0, width: 100, height: 50 });

    // #FFFFFF on #101010: (1 + 0.05) / (0.0052 + 0.05)
    expect(ratio).toBeCloseTo(19.02, 1);
  });

  it('measures the first glyph of the first row as the cap height', () => {
    const rgb = frame(100, 80, { x: 12, y: 6, w: 10, h: 28 });
    for (let x = 30; x < 60; x++) rgb.fill(0xff, (50 * 100 + x) * 3, (50 * 100 + x) * 3 + 3); // a second row

    expect(firstGlyphHeightPx(rgb, 100, { x: 0, y: 0, width: 100, height: 80 })).toBe(28);
  });

  it('reads silences from silencedetect and finds the speech inside a line’s slot', () => {
    const silences = parseSilences(
      [
        '[silencedetect @ 0x1] silence_start: 0',
        '[silencedetect @ 0x1] silence_end: 2.5 | silence_duration: 2.5',
        '[silencedetect @ 0x1] silence_start: 4.2',
        '[silencedetect @ 0x1] silence_end: 4.6 | silence_duration: 0.4',
        '[silencedetect @ 0x1] silence_start: 6.1',
      ],
      10,
    );

    expect(silences).toEqual([
      { startSec: 0, endSec: 2.5 },
      { startSec: 4.2, endSec: 4.6 },
      { startSec: 6.1, endSec: 10 },
    ]);
    expect(speechIn({ startSec: 2, endSec: 7 }, silences)).toEqual({ startSec: 2.5, endSec: 6.1 });
    expect(speechIn({ startSec: 7, endSec: 9 }, silences)).toBeNull();
  });

  it('measures loudness over the chosen spans only, and writes each stem to a WAV', () => {
    const cmd = buildSpanLoudnessCommand('/w/voice.wav', [
      { startSec: 1, endSec: 2.5 },
      { startSec: 4, endSec: 5 },
    ]);

    expect(cmd.outputs[0].options).toContain(
      "aselect='between(t,1,2.5)+between(t,4,5)',asetpts=N/SR/TB,ebur128=peak=true:framelog=verbose",
    );
    const stems = statementStemOutputs({ music: '[m]', ducked: '[d]', voice: '[v]' }, '/w');
    expect(stems.paths).toEqual({
      musicPath: '/w/stem.music.wav',
      duckedPath: '/w/stem.ducked.wav',
      voicePath: '/w/stem.voice.wav',
    });
    expect(stems.outputs.map((o) => o.options.slice(0, 2))).toEqual([
      ['-map', '[m]'],
      ['-map', '[d]'],
      ['-map', '[v]'],
    ]);
  });
});
