import {
  buildColourMatchCommand,
  buildColourSampleCommand,
  colourMatchGraph,
  type ColourCorrection,
  correctedStats,
  DEFAULT_COLOUR_MATCH_LIMITS,
  planColourCorrection,
} from './colour-match.builder';
import { normalisedClipOptions } from '../clip/clip-encode';
import { colourDistance, type ColourStats } from './colour-match.stats';

const stats = (y: [number, number], u: [number, number], v: [number, number]): ColourStats => ({
  y: { mean: y[0], std: y[1] },
  u: { mean: u[0], std: u[1] },
  v: { mean: v[0], std: v[1] },
});

const identity: ColourCorrection = {
  y: { gain: 1, offset: 0 },
  u: { gain: 1, offset: 0 },
  v: { gain: 1, offset: 0 },
};

describe(planColourCorrection.name, () => {
  const reference = stats([110, 50], [126, 12], [132, 14]);

  it('moves a small drift all the way onto the reference', () => {
    const drifted = stats([124, 56], [120, 14], [138, 12]);
    const correction = planColourCorrection(reference, drifted);
    expect(correction.y.gain).toBeCloseTo(50 / 56, 12);
    expect(colourDistance(correctedStats(drifted, correction), reference)).toBeCloseTo(0, 9);
  });

  it('is the identity when the clip already matches', () => {
    const correction = planColourCorrection(reference, reference);
    for (const p of ['y', 'u', 'v'] as const) {
      expect(correction[p].gain).toBe(1);
      expect(correction[p].offset).toBeCloseTo(0, 12);
    }
  });

  it('clamps gains and mean shifts so a deliberate change is only pulled part way', () => {
    const night = stats([40, 20], [150, 3], [100, 40]);
    const after = correctedStats(night, planColourCorrection(reference, night));
    expect(after.y).toEqual({ mean: 40 + DEFAULT_COLOUR_MATCH_LIMITS.maxLumaShift, std: 20 * 1.4 });
    expect(after.u.mean).toBeCloseTo(150 - DEFAULT_COLOUR_MATCH_LIMITS.maxChromaShift, 12);
    expect(after.u.std).toBeCloseTo(3 * 1.4, 12);
    expect(after.v.mean).toBeCloseTo(100 + DEFAULT_COLOUR_MATCH_LIMITS.maxChromaShift, 12);
    expect(after.v.std).toBeCloseTo(40 * 0.7, 12);
  });

  it('leaves the contrast of a flat plane alone instead of dividing by almost nothing', () => {
    const flat = stats([110, 50], [128, 0.2], [132, 14]);
    expect(planColourCorrection(reference, flat).u.gain).toBe(1);
  });

  it('takes the limits it is given', () => {
    const drifted = stats([124, 56], [120, 14], [138, 12]);
    const limits = { ...DEFAULT_COLOUR_MATCH_LIMITS, minGain: 1, maxGain: 1, maxLumaShift: 5, maxChromaShift: 0 };
    expect(planColourCorrection(reference, drifted, limits)).toEqual({
      y: { gain: 1, offset: -5 },
      u: { gain: 1, offset: 0 },
      v: { gain: 1, offset: 0 },
    });
  });
});

describe(buildColourSampleCommand.name, () => {
  it('reads a still literally and writes it as one small yuv444p raw frame', () => {
    expect(buildColourSampleCommand('/w/[ref].png', '/w/ref.yuv', 'image')).toEqual({
      inputs: [{ path: '/w/[ref].png', options: ['-f', 'image2', '-pattern_type', 'none'] }],
      outputs: [
        {
          path: '/w/ref.yuv',
          options: [
            ...['-map', '0:v:0', '-vf', 'scale=256:144:flags=area+accurate_rnd,format=yuv444p'],
            ...['-frames:v', '1', '-f', 'rawvideo'],
          ],
        },
      ],
    });
  });

  it("takes a clip's last frame from its final second, reversed", () => {
    expect(buildColourSampleCommand('/w/scene_3.mp4', '/w/last.yuv', 'last-frame')).toEqual({
      inputs: [{ path: '/w/scene_3.mp4', options: ['-sseof', '-1'] }],
      outputs: [
        {
          path: '/w/last.yuv',
          options: [
            ...['-map', '0:v:0', '-vf', 'reverse,scale=256:144:flags=area+accurate_rnd,format=yuv444p'],
            ...['-frames:v', '1', '-f', 'rawvideo'],
          ],
        },
      ],
    });
  });
});

describe(colourMatchGraph.name, () => {
  it('overlays the graded copy on the clip with an alpha ramp from frame 0 to the last frame', () => {
    const correction: ColourCorrection = {
      y: { gain: 0.9, offset: -12.25 },
      u: { gain: 1.25, offset: -30 },
      v: { gain: 1, offset: 3 },
    };
    expect(colourMatchGraph(correction, 120)).toBe(
      '[0:v]split[orig][graded];' +
        '[graded]lutyuv=y=val*0.90000-11.7500:u=val*1.25000-29.5000:v=val*1.00000+3.5000,' +
        'format=yuva420p,fade=t=in:s=0:n=119:alpha=1[ramp];' +
        '[orig][ramp]overlay=format=yuv420:eof_action=pass,format=yuv420p[v]',
    );
  });

  it('rounds through the lut by adding half a level, with the sign where it ends up', () => {
    expect(colourMatchGraph({ ...identity, y: { gain: 1, offset: -0.25 } }, 2)).toContain(
      'lutyuv=y=val*1.00000+0.2500:u=val*1.00000+0.5000:v=val*1.00000+0.5000,',
    );
  });

  it('refuses a clip too short to ramp over', () => {
    expect(() => colourMatchGraph(identity, 1)).toThrow(RangeError);
    expect(() => colourMatchGraph(identity, 2.5)).toThrow(RangeError);
  });
});

describe(buildColourMatchCommand.name, () => {
  it('encodes the graph with the normalised clip options, keeping rate and frame count', () => {
    const cmd = buildColourMatchCommand({
      clipPath: '/w/scene_2.mp4',
      outPath: '/w/scene_2.matched.mp4',
      fps: 24,
      frames: 120,
      correction: identity,
    });
    expect(cmd).toEqual({
      inputs: [{ path: '/w/scene_2.mp4', options: [] }],
      filterComplex: colourMatchGraph(identity, 120),
      outputs: [{ path: '/w/scene_2.matched.mp4', options: normalisedClipOptions(24, 120) }],
    });
  });

  it('refuses to write over its input', () => {
    const req = { clipPath: '/w/a.mp4', outPath: '/w/a.mp4', fps: 24, frames: 48, correction: identity };
    expect(() => buildColourMatchCommand(req)).toThrow(RangeError);
  });
});
