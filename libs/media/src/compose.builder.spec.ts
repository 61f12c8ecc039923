import { outputSpecFor, type TransitionIn } from '@app/domain';
import { buildComposeCommand, type ComposeClip, type ComposeRequest } from './compose.builder';

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

const whole = (i: number, frames: number) => `[${i}:v]trim=end_frame=${frames},setpts=PTS-STARTPTS[b${i}]`;
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
        whole(0, 72),
        whole(1, 72),
        whole(2, 72),
        '[b0][b1][b2]concat=n=3:v=1:a=0[joined]',
        `[joined]${SUBTITLES}`,
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

  it('blends over the outgoing clip’s tail so the ad keeps its length', () => {
    // Scenes of 3 + 3 + 3 s; the first two carry 0.5 s of tail for the blend after them.
    const cmd = buildComposeCommand(
      request([clip(0, 3.5, 'cut'), clip(1, 3.5, 'crossfade'), clip(2, 3, 'dip-to-black')], 9, { preset: 'medium' }),
    );
    expect(cmd.filterComplex).toContain('[t0][h1]xfade=transition=fade:duration=0.5:offset=0,format=yuv420p[x1]');
    expect(cmd.filterComplex).toContain('[t1][h2]xfade=transition=fadeblack:duration=0.5:offset=0,format=yuv420p[x2]');
    expect(cmd.filterComplex).toContain(`[b0][x1][b1][x2][b2]concat=n=5:v=1:a=0[joined];[joined]${SUBTITLES}`);
    expect(cmd.outputs[0].options.slice(6, 8)).toEqual(['-preset', 'medium']);
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
      "[b0]subtitles=filename=/w/it\\\\\\'s\\\\: \\[odd\\]\\, dir\\;/o.ass:fontsdir=/f\\\\\\\\onts,format=yuv420p[vout]",
    );
  });

  it('refuses clips that do not add up to the ad length', () => {
    expect(() => buildComposeCommand(request([clip(0, 3, 'cut'), clip(1, 3, 'crossfade')], 6))).toThrow(RangeError);
  });
});
