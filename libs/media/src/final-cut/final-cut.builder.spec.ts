import { outputSpecFor } from '@app/domain';
import {
  buildConcatList,
  buildFinalCutCommand,
  buildStreamCopyCommand,
  canStreamCopy,
  type FinalCutCommandRequest,
  metadataOptions,
} from './final-cut.builder';
import { type JoinClip } from './transition-graph.builder';

const master = outputSpecFor('16:9');
const clips: JoinClip[] = [
  { path: '/w/scene_0.mp4', durationSec: 3.5, transitionIn: 'cut', transitionSec: 0.5 },
  { path: '/w/scene_1.mp4', durationSec: 3, transitionIn: 'dip-to-white', transitionSec: 0.5 },
];
const JOIN = [
  '[0:v]split=2[b0in][t0in]',
  '[b0in]trim=end_frame=72,setpts=PTS-STARTPTS[b0]',
  '[t0in]trim=start_frame=72:end_frame=84,setpts=PTS-STARTPTS,settb=1/24[t0]',
  '[1:v]split=2[h1in][b1in]',
  '[h1in]trim=end_frame=12,setpts=PTS-STARTPTS,settb=1/24[h1]',
  '[b1in]trim=start_frame=12:end_frame=72,setpts=PTS-STARTPTS[b1]',
  '[t0][h1]xfade=transition=fadewhite:duration=0.5:offset=0,format=yuv420p[x1]',
  '[b0][x1][b1]concat=n=3:v=1:a=0[joined]',
];
const AAC = ['-c:a', 'aac', '-b:a', '192k', '-ar', '48000', '-ac', '2', '-aac_coder', 'fast'];
const ENCODE = (metadata: string[], audio: string[] = ['-c:a', 'copy']) => [
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-crf',
  '20',
  '-bf',
  '0',
  '-force_key_frames',
  'expr:gte(t,n_forced*2)',
  '-forced-idr',
  '1',
  '-pix_fmt',
  'yuv420p',
  '-r',
  '24',
  ...audio,
  '-movflags',
  '+faststart+use_metadata_tags',
  '-t',
  '6',
  '-metadata',
  'comment=Reelsmith',
  ...metadata,
];

function request(overrides: Partial<FinalCutCommandRequest> = {}): FinalCutCommandRequest {
  return {
    clips,
    totalSec: 6,
    master,
    outputs: [{ spec: master, path: '/w/out_16x9.mp4', reframe: 'blur', assPath: '/w/final-cut-0.ass' }],
    logo: null,
    audio: { soundtrackPath: '/w/soundtrack.m4a' },
    metadata: { ai_generated: 'true', job_id: 'job-1' },
    preset: 'veryfast',
    fontsDir: '/fonts',
    ...overrides,
  };
}

describe(buildFinalCutCommand.name, () => {
  it('joins, burns the type and encodes a single output in one pass with the soundtrack copied in', () => {
    expect(buildFinalCutCommand(request())).toEqual({
      inputs: [
        { path: '/w/scene_0.mp4', options: [] },
        { path: '/w/scene_1.mp4', options: [] },
        { path: '/w/soundtrack.m4a', options: [] },
      ],
      filterComplex: [...JOIN, '[joined]ass=filename=/w/final-cut-0.ass:fontsdir=/fonts[v0]'].join(';'),
      outputs: [
        {
          path: '/w/out_16x9.mp4',
          options: [
            '-map',
            '[v0]',
            '-map',
            '2:a:0',
            ...ENCODE(['-metadata', 'ai_generated=true', '-metadata', 'job_id=job-1']),
          ],
        },
      ],
    });
  });

  it('splits the joined master once per output, reframes each, overlays the logo and burns each ratio’s type', () => {
    const cmd = buildFinalCutCommand(
      request({
        outputs: [
          { spec: master, path: '/w/a.mp4', reframe: 'blur', assPath: '/w/0.ass' },
          { spec: outputSpecFor('9:16'), path: '/w/b.mp4', reframe: 'blur', assPath: '/w/1.ass' },
          { spec: outputSpecFor('1:1'), path: '/w/c.mp4', reframe: 'crop', assPath: null },
        ],
        logo: { path: '/w/logo.png', position: 'top-right', opacity: 0.5, heightPx: (s) => s.height / 10 },
        metadata: {},
      }),
    );
    expect(cmd.inputs.map((i) => i.path)).toEqual([
      '/w/scene_0.mp4',
      '/w/scene_1.mp4',
      '/w/logo.png',
      '/w/soundtrack.m4a',
    ]);
    expect(cmd.filterComplex?.split(';')).toEqual([
      ...JOIN,
      '[joined]split=3[m0][m1][m2]',
      '[2:v]split=3[ls0][ls1][ls2]',
      '[ls0]scale=w=-2:h=72,format=rgba,colorchannelmixer=aa=0.5[logo0]',
      '[ls1]scale=w=-2:h=128,format=rgba,colorchannelmixer=aa=0.5[logo1]',
      '[ls2]scale=w=-2:h=108,format=rgba,colorchannelmixer=aa=0.5[logo2]',
      '[m0][logo0]overlay=x=main_w-overlay_w-64:y=36[wm0]',
      '[wm0]ass=filename=/w/0.ass:fontsdir=/fonts[v0]',
      '[m1]split=2[fg1][bg1]',
      '[bg1]crop=w=404:h=720,scale=w=90:h=160,boxblur=luma_radius=4:luma_power=2,eq=brightness=-0.06,' +
        'scale=w=720:h=1280:flags=bilinear[fill1]',
      '[fg1]scale=w=720:h=404[fit1]',
      '[fill1][fit1]overlay=x=0:y=438,setsar=1[r1]',
      '[r1][logo1]overlay=x=main_w-overlay_w-36:y=64[wm1]',
      '[wm1]ass=filename=/w/1.ass:fontsdir=/fonts[v1]',
      '[m2]crop=w=720:h=720,scale=w=1080:h=1080,setsar=1[r2]',
      '[r2][logo2]overlay=x=main_w-overlay_w-54:y=54[wm2]',
    ]);
    // every output copies the same soundtrack stream: no audio filter, no audio encode
    expect(cmd.outputs.map((o) => [o.path, ...o.options.slice(0, 4)])).toEqual([
      ['/w/a.mp4', '-map', '[v0]', '-map', '3:a:0'],
      ['/w/b.mp4', '-map', '[v1]', '-map', '3:a:0'],
      ['/w/c.mp4', '-map', '[wm2]', '-map', '3:a:0'],
    ]);
    expect(cmd.outputs[2].options.slice(4)).toEqual(ENCODE([]));
  });

  it('ships a silent stereo track when the ad has no sound', () => {
    const cmd = buildFinalCutCommand(request({ audio: null }));
    expect(cmd.inputs[2]).toEqual({
      path: 'anullsrc=channel_layout=stereo:sample_rate=48000',
      options: ['-f', 'lavfi'],
    });
    expect(cmd.outputs[0].options.slice(2, 4)).toEqual(['-map', '2:a:0']);
    expect(cmd.outputs[0].options.slice(4)).toEqual(
      ENCODE(['-metadata', 'ai_generated=true', '-metadata', 'job_id=job-1'], AAC),
    );
  });

  it('escapes the ASS and font paths and never sees the text itself', () => {
    const cmd = buildFinalCutCommand(
      request({
        outputs: [{ spec: master, path: '/w/o.mp4', reframe: 'crop', assPath: "/w/it's: [x], y;/0.ass" }],
        fontsDir: '/f\\onts',
      }),
    );
    expect(cmd.filterComplex).toContain(
      "[joined]ass=filename=/w/it\\\\\\'s\\\\: \\[x\\]\\, y\\;/0.ass:fontsdir=/f\\\\\\\\onts[v0]",
    );
  });

  it('refuses clips that do not add up to the ad, and no outputs', () => {
    expect(() => buildFinalCutCommand(request({ totalSec: 7 }))).toThrow(RangeError);
    expect(() => buildFinalCutCommand(request({ outputs: [] }))).toThrow(RangeError);
  });
});

describe(metadataOptions.name, () => {
  it('writes our comment first, lets the request override it and passes values through as data', () => {
    expect(metadataOptions({ comment: 'mine', note: "a=b; it's -y \n %{pts}" })).toEqual([
      '-metadata',
      'comment=mine',
      '-metadata',
      "note=a=b; it's -y \n %{pts}",
    ]);
  });

  it('refuses keys ffmpeg would misread', () => {
    expect(() => metadataOptions({ 'a=b': 'x' })).toThrow(RangeError);
    expect(() => metadataOptions({ '': 'x' })).toThrow(RangeError);
  });
});

describe(canStreamCopy.name, () => {
  const cut: JoinClip[] = [
    { path: '/a', durationSec: 3, transitionIn: 'cut' },
    { path: '/b', durationSec: 3, transitionIn: 'continuous' },
  ];
  const one = [{ spec: master }];

  it('copies when one master-size output has nothing drawn and only cuts', () => {
    expect(canStreamCopy({ clips: cut, master, outputs: one, overlays: false })).toBe(true);
  });

  it.each([
    ['something is drawn', { overlays: true }],
    ['a clip blends in', { clips: [cut[0], { ...cut[1], transitionIn: 'crossfade' as const }] }],
    ['there are two outputs', { outputs: [...one, { spec: outputSpecFor('1:1') }] }],
    ['the output is reframed', { outputs: [{ spec: outputSpecFor('9:16') }] }],
  ])('re-encodes when %s', (_, change) => {
    expect(canStreamCopy({ clips: cut, master, outputs: one, overlays: false, ...change })).toBe(false);
  });
});

describe(buildConcatList.name, () => {
  it('quotes every path for the concat demuxer and refuses a newline', () => {
    expect(buildConcatList(['/w/a.mp4', "/w/it's [odd].mp4"])).toBe(
      "ffconcat version 1.0\nfile '/w/a.mp4'\nfile '/w/it'\\''s [odd].mp4'\n",
    );
    expect(() => buildConcatList(['/w/a\nfile /etc/passwd'])).toThrow(RangeError);
  });
});

describe(buildStreamCopyCommand.name, () => {
  it('copies the clips’ video through the concat demuxer and the soundtrack beside it', () => {
    expect(
      buildStreamCopyCommand({
        concatListPath: '/w/clips.ffconcat',
        totalSec: 6,
        outPath: '/w/out.mp4',
        audio: { soundtrackPath: '/w/soundtrack.m4a' },
        metadata: { job_id: 'job-1' },
      }),
    ).toEqual({
      inputs: [
        { path: '/w/clips.ffconcat', options: ['-f', 'concat', '-safe', '0'] },
        { path: '/w/soundtrack.m4a', options: [] },
      ],
      outputs: [
        {
          path: '/w/out.mp4',
          options: [
            '-map',
            '0:v:0',
            '-map',
            '1:a:0',
            '-c:v',
            'copy',
            '-c:a',
            'copy',
            '-movflags',
            '+faststart+use_metadata_tags',
            '-t',
            '6',
            '-metadata',
            'comment=Reelsmith',
            '-metadata',
            'job_id=job-1',
          ],
        },
      ],
    });
  });
});
