import {
  clipDurationSec,
  isBlended,
  MAX_TRANSITION_SEC,
  MIN_TRANSITION_SEC,
  TRANSITIONS,
  type TransitionIn,
} from '@app/domain';
import fc from 'fast-check';
import { type BlendedTransition, joinGraph, type JoinClip, XFADE_TRANSITIONS } from './transition-graph.builder';

function clip(i: number, durationSec: number, transitionIn: TransitionIn, transitionSec = 0.5): JoinClip {
  return { path: `/w/scene_${i}.mp4`, durationSec, transitionIn, transitionSec };
}

const BLENDED = TRANSITIONS.filter(isBlended) as BlendedTransition[];

describe(joinGraph.name, () => {
  it.each(BLENDED.map((t) => [t, XFADE_TRANSITIONS[t]]))(
    'blends %s with xfade %s over the overlap only, keeping the ad at the scenes’ sum',
    (transition, xfade) => {
      // Scenes of 3 s + 2 s; the first clip carries the 0.5 s overlap as tail.
      expect(joinGraph([clip(0, 3.5, 'cut'), clip(1, 2, transition)], 24)).toEqual({
        chains: [
          '[0:v]split=2[b0in][t0in]',
          '[b0in]trim=end_frame=72,setpts=PTS-STARTPTS[b0]',
          '[t0in]trim=start_frame=72:end_frame=84,setpts=PTS-STARTPTS,settb=1/24[t0]',
          '[1:v]split=2[h1in][b1in]',
          '[h1in]trim=end_frame=12,setpts=PTS-STARTPTS,settb=1/24[h1]',
          '[b1in]trim=start_frame=12:end_frame=48,setpts=PTS-STARTPTS[b1]',
          `[t0][h1]xfade=transition=${xfade}:duration=0.5:offset=0,format=yuv420p[x1]`,
          '[b0][x1][b1]concat=n=3:v=1:a=0[joined]',
        ],
        label: '[joined]',
        frames: 120,
      });
    },
  );

  it.each([['cut'], ['continuous']] as const)('joins a %s with one concat and no blend', (transition) => {
    expect(joinGraph([clip(0, 3, 'cut'), clip(1, 2, transition), clip(2, 2, 'cut')], 24)).toEqual({
      chains: [
        '[0:v]trim=end_frame=72,setpts=PTS-STARTPTS[b0]',
        '[1:v]trim=end_frame=48,setpts=PTS-STARTPTS[b1]',
        '[2:v]trim=end_frame=48,setpts=PTS-STARTPTS[b2]',
        '[b0][b1][b2]concat=n=3:v=1:a=0[joined]',
      ],
      label: '[joined]',
      frames: 168,
    });
  });

  it('cuts a clip blended on both sides into head, body and tail, each blend its own length', () => {
    // Scenes 2 s (cut), 3 s (wipe-left 0.3 s in), 2 s (slide-right 1 s in).
    const { chains, frames } = joinGraph(
      [clip(0, 2.3, 'cut'), clip(1, 4, 'wipe-left', 0.3), clip(2, 2, 'slide-right', 1)],
      24,
    );
    expect(chains).toEqual([
      '[0:v]split=2[b0in][t0in]',
      '[b0in]trim=end_frame=48,setpts=PTS-STARTPTS[b0]',
      '[t0in]trim=start_frame=48:end_frame=55,setpts=PTS-STARTPTS,settb=1/24[t0]',
      '[1:v]split=3[h1in][b1in][t1in]',
      '[h1in]trim=end_frame=7,setpts=PTS-STARTPTS,settb=1/24[h1]',
      '[b1in]trim=start_frame=7:end_frame=72,setpts=PTS-STARTPTS[b1]',
      '[t1in]trim=start_frame=72:end_frame=96,setpts=PTS-STARTPTS,settb=1/24[t1]',
      // 0.3 s is 7.2 frames: the blend runs whole frames, so it says 7/24 s.
      '[t0][h1]xfade=transition=wipeleft:duration=0.291667:offset=0,format=yuv420p[x1]',
      '[2:v]split=2[h2in][b2in]',
      '[h2in]trim=end_frame=24,setpts=PTS-STARTPTS,settb=1/24[h2]',
      '[b2in]trim=start_frame=24:end_frame=48,setpts=PTS-STARTPTS[b2]',
      '[t1][h2]xfade=transition=slideright:duration=1:offset=0,format=yuv420p[x2]',
      '[b0][x1][b1][x2][b2]concat=n=5:v=1:a=0[joined]',
    ]);
    expect(frames).toBe(7 * 24);
  });

  it('uses the one clip as it is and ignores a blend into the first clip', () => {
    expect(joinGraph([clip(0, 3, 'crossfade')], 24)).toEqual({
      chains: ['[0:v]trim=end_frame=72,setpts=PTS-STARTPTS[b0]'],
      label: '[b0]',
      frames: 72,
    });
  });

  it('defaults a blend without a length to the crossfade length', () => {
    const { chains } = joinGraph(
      [clip(0, 3.5, 'cut'), { path: '/w/b.mp4', durationSec: 2, transitionIn: 'crossfade' }],
      24,
    );
    expect(chains).toContain('[t0][h1]xfade=transition=fade:duration=0.5:offset=0,format=yuv420p[x1]');
  });

  it('refuses a clip too short for the blends it takes part in, and no clips at all', () => {
    expect(() => joinGraph([clip(0, 0.25, 'cut'), clip(1, 3, 'crossfade')], 24)).toThrow(RangeError);
    expect(() => joinGraph([], 24)).toThrow(RangeError);
  });

  it('starts every blend on its scene boundary and keeps the planned length, whatever the joins', () => {
    const sceneArb = fc.record({
      durationSec: fc.integer({ min: 2, max: 12 }),
      transitionIn: fc.constantFrom(...TRANSITIONS),
      // Blend lengths as a planner writes them (0.05 s steps), so none sits on half a frame.
      transitionSec: fc
        .integer({ min: Math.round(MIN_TRANSITION_SEC * 20), max: Math.round(MAX_TRANSITION_SEC * 20) })
        .map((k) => k / 20),
    });
    fc.assert(
      fc.property(fc.array(sceneArb, { minLength: 1, maxLength: 12 }), (drafts) => {
        const scenes = drafts.map((s, i) => ({ ...s, transitionIn: i === 0 ? ('cut' as const) : s.transitionIn }));
        const clips = scenes.map((s, i) => clip(i, clipDurationSec(scenes, i), s.transitionIn, s.transitionSec));
        const totalSec = scenes.reduce((sum, s) => sum + s.durationSec, 0);
        const { frames, chains } = joinGraph(clips, 24);
        expect(frames).toBe(totalSec * 24);

        // Walk the concat's segments and note where each blend lands on the ad's frame grid.
        const length = (label: string) => {
          const chain = chains.find((c) => c.endsWith(label) && c.includes('trim='));
          const m = /trim=(?:start_frame=(\d+):)?end_frame=(\d+)/.exec(chain ?? '');
          return m ? Number(m[2]) - Number(m[1] ?? 0) : NaN;
        };
        const concat = chains.find((c) => c.includes('concat='));
        const sequence = concat ? [...concat.matchAll(/\[(\w+)\]/g)].map((m) => m[1]).slice(0, -1) : ['b0'];
        let at = 0;
        const blendStarts: number[] = [];
        for (const label of sequence) {
          if (label.startsWith('x')) {
            blendStarts.push(at);
            at += length(`[h${label.slice(1)}]`);
          } else {
            at += length(`[${label}]`);
          }
        }
        const sceneStarts = scenes
          .map((s, i) => ({ i, start: scenes.slice(0, i).reduce((sum, x) => sum + x.durationSec, 0) * 24 }))
          .filter(({ i }) => i > 0 && isBlended(scenes[i].transitionIn))
          .map(({ start }) => start);
        expect(blendStarts).toEqual(sceneStarts);
        expect(at).toBe(frames);
      }),
    );
  });
});
