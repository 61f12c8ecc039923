import {
  clipDurationSec,
  CROSSFADE_SEC,
  outputSpecFor,
  TRANSITIONS,
  type StoryboardScene,
  type TransitionIn,
} from '@app/domain';
import fc from 'fast-check';
import { buildComposeCommand, type ComposeClip, type ComposeRequest, joinGraph } from './compose.builder';

const spec = outputSpecFor('16:9');

function clip(i: number, durationSec: number, transitionIn: TransitionIn): ComposeClip {
  return { path: `/w/scene_${i}.mp4`, durationSec, transitionIn };
}

function request(clips: ComposeClip[], totalSec: number, overrides: Partial<ComposeRequest> = {}): ComposeRequest {
  return {
    clips,
    totalSec,
    spec,
    musicPath: '/w/music.m4a',
    subtitlesPath: '/w/output.mp4.ass',
    fontsDir: '/usr/share/fonts/truetype/dejavu',
    outPath: '/w/output.mp4',
    preset: 'veryfast',
    ...overrides,
  };
}

const normalise = (i: number, frames: number) =>
  `[${i}:v]setpts=PTS-STARTPTS,fps=24,trim=end_frame=${frames},setpts=PTS-STARTPTS,format=yuv420p,setsar=1[c${i}]`;
const SUBTITLES = 'subtitles=filename=/w/output.mp4.ass:fontsdir=/usr/share/fonts/truetype/dejavu,format=yuv420p[vout]';
const MUSIC_9S =
  '[3:a]atrim=duration=9,asetpts=PTS-STARTPTS,loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000,' +
  'aformat=sample_fmts=fltp:channel_layouts=stereo,apad=whole_dur=9,afade=t=out:st=8:d=1[aout]';

describe(buildComposeCommand.name, () => {
  it('joins cut-only clips with one concat and encodes H.264 + AAC for exactly totalSec', () => {
    const cmd = buildComposeCommand(request([clip(0, 3, 'cut'), clip(1, 3, 'cut'), clip(2, 3, 'cut')], 9));
    expect(cmd).toEqual({
      inputs: [
        { path: '/w/scene_0.mp4', options: [] },
        { path: '/w/scene_1.mp4', options: [] },
        { path: '/w/scene_2.mp4', options: [] },
        { path: '/w/music.m4a', options: [] },
      ],
      filterComplex: [
        normalise(0, 72),
        normalise(1, 72),
        normalise(2, 72),
        '[c0][c1][c2]concat=n=3:v=1:a=0,fps=24[j0]',
        `[j0]${SUBTITLES}`,
        MUSIC_9S,
      ].join(';'),
      outputs: [
        {
          path: '/w/output.mp4',
          options: [
            '-map',
            '[vout]',
            '-map',
            '[aout]',
            '-c:v',
            'libx264',
            '-preset',
            'veryfast',
            '-crf',
            '20',
            '-pix_fmt',
            'yuv420p',
            '-r',
            '24',
            '-c:a',
            'aac',
            '-b:a',
            '192k',
            '-ar',
            '48000',
            '-ac',
            '2',
            '-movflags',
            '+faststart',
            '-t',
            '9',
            '-metadata',
            'comment=Reelsmith',
          ],
        },
      ],
    });
  });

  it('crossfades over the outgoing clip’s tail so the ad keeps its length', () => {
    // Scenes of 3 + 3 + 3 s; the first two carry 0.5 s of tail for the crossfade after them.
    const cmd = buildComposeCommand(
      request([clip(0, 3.5, 'cut'), clip(1, 3.5, 'crossfade'), clip(2, 3, 'crossfade')], 9, { preset: 'medium' }),
    );
    expect(cmd.filterComplex).toBe(
      [
        normalise(0, 84),
        normalise(1, 84),
        normalise(2, 72),
        '[c0][c1]xfade=transition=fade:duration=0.5:offset=3[x1]',
        '[x1][c2]xfade=transition=fade:duration=0.5:offset=6[x2]',
        `[x2]${SUBTITLES}`,
        MUSIC_9S,
      ].join(';'),
    );
    expect(cmd.outputs[0].options.slice(6, 8)).toEqual(['-preset', 'medium']);
  });

  it('mixes cuts, crossfades and continuous joins in order', () => {
    const cmd = buildComposeCommand(
      request([clip(0, 3, 'cut'), clip(1, 3.5, 'continuous'), clip(2, 3, 'crossfade'), clip(3, 2, 'cut')], 11),
    );
    expect(cmd.filterComplex).toBe(
      [
        normalise(0, 72),
        normalise(1, 84),
        normalise(2, 72),
        normalise(3, 48),
        '[c0][c1]concat=n=2:v=1:a=0,fps=24[j0]',
        '[j0][c2]xfade=transition=fade:duration=0.5:offset=6[x2]',
        '[x2][c3]concat=n=2:v=1:a=0,fps=24[j1]',
        `[j1]${SUBTITLES}`,
        '[4:a]atrim=duration=11,asetpts=PTS-STARTPTS,loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000,' +
          'aformat=sample_fmts=fltp:channel_layouts=stereo,apad=whole_dur=11,afade=t=out:st=10:d=1[aout]',
      ].join(';'),
    );
  });

  it('adds a silent stereo track when there is no music', () => {
    const cmd = buildComposeCommand(request([clip(0, 3, 'cut'), clip(1, 3, 'continuous')], 6, { musicPath: null }));
    expect(cmd.inputs[2]).toEqual({
      path: 'anullsrc=channel_layout=stereo:sample_rate=48000',
      options: ['-f', 'lavfi'],
    });
    expect(cmd.filterComplex?.split(';').pop()).toBe('[2:a]atrim=duration=6,asetpts=PTS-STARTPTS[aout]');
  });

  it('escapes the subtitle and font paths for the filter graph', () => {
    const cmd = buildComposeCommand(
      request([clip(0, 3, 'cut')], 3, { subtitlesPath: "/w/it's: [odd], dir;/o.ass", fontsDir: '/f\\onts' }),
    );
    expect(cmd.filterComplex).toContain(
      "[c0]subtitles=filename=/w/it\\\\\\'s\\\\: \\[odd\\]\\, dir\\;/o.ass:fontsdir=/f\\\\\\\\onts,format=yuv420p[vout]",
    );
  });

  it('treats a crossfade into the first clip as a cut', () => {
    expect(joinGraph([clip(0, 3, 'crossfade')], 24)).toEqual({ chains: [normalise(0, 72)], label: '[c0]', frames: 72 });
  });

  it('refuses clips that do not add up to the ad length', () => {
    expect(() => buildComposeCommand(request([clip(0, 3, 'cut'), clip(1, 3, 'crossfade')], 6))).toThrow(RangeError);
  });

  it('refuses a crossfade from a clip shorter than the fade', () => {
    expect(() => joinGraph([clip(0, 0.25, 'cut'), clip(1, 3, 'crossfade')], 24)).toThrow(RangeError);
  });

  it('starts every crossfade on its scene boundary and keeps the planned length, whatever the joins', () => {
    const sceneArb = fc.record({
      durationSec: fc.integer({ min: 2, max: 12 }),
      transitionIn: fc.constantFrom(...TRANSITIONS),
    });
    fc.assert(
      fc.property(fc.array(sceneArb, { minLength: 1, maxLength: 12 }), (drafts) => {
        const scenes = drafts.map((s, i) => ({ ...s, transitionIn: i === 0 ? 'cut' : s.transitionIn }));
        const clips = scenes.map((_, i) =>
          clip(
            i,
            clipDurationSec(scenes as Pick<StoryboardScene, 'durationSec' | 'transitionIn'>[], i),
            scenes[i].transitionIn,
          ),
        );
        const totalSec = scenes.reduce((sum, s) => sum + s.durationSec, 0);
        const { frames, chains } = joinGraph(clips, 24);
        expect(frames).toBe(totalSec * 24);

        const offsets = chains.flatMap((c) => [...c.matchAll(/xfade=transition=fade:duration=0\.5:offset=([\d.]+)/g)]);
        const sceneStarts = scenes
          .map((s, i) => ({ i, start: scenes.slice(0, i).reduce((sum, x) => sum + x.durationSec, 0) }))
          .filter(({ i }) => i > 0 && scenes[i].transitionIn === 'crossfade')
          .map(({ start }) => start);
        expect(offsets.map((m) => Number(m[1]))).toEqual(sceneStarts);
        expect(() => buildComposeCommand(request(clips, totalSec))).not.toThrow();
      }),
    );
    expect(CROSSFADE_SEC).toBe(0.5);
  });
});
