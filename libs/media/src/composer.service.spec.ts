import { LOUDNESS_TARGETS, outputSpecFor } from '@app/domain';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Composer } from './composer.service';
import { type FfmpegCommand } from './ffmpeg/ffmpeg-command.types';
import { type FfmpegRunner, type RunOptions } from './ffmpeg/ffmpeg.runner';
import { type FinalCutRequest } from './final-cut/final-cut.types';

const LOUDNORM_JSON = [
  '[Parsed_loudnorm_9 @ 0x1] ',
  '{',
  '\t"input_i" : "-20.00",',
  '\t"input_tp" : "-6.00",',
  '\t"input_lra" : "3.00",',
  '\t"input_thresh" : "-30.00",',
  '\t"target_offset" : "0.10"',
  '}',
];

/** Records every command and answers pass 1 with loudnorm's summary, as ffmpeg would. */
function fakeRunner() {
  const calls: { cmd: FfmpegCommand; opts: RunOptions }[] = [];
  const runner = {
    run: async (cmd: FfmpegCommand, opts: RunOptions = {}) => {
      calls.push({ cmd, opts });
      if (cmd.filterComplex?.includes('print_format=json')) LOUDNORM_JSON.forEach((l) => opts.onStderr?.(l));
      opts.onProgress?.(1);
    },
  };
  return { runner: runner as unknown as FfmpegRunner, calls };
}

describe(Composer.name, () => {
  const master = outputSpecFor('16:9');
  let dir: string;

  const request = (overrides: Partial<FinalCutRequest> = {}): FinalCutRequest => ({
    clips: [
      { path: '/w/a.mp4', durationSec: 3, transitionIn: 'cut', transitionSec: 0.5 },
      { path: '/w/b.mp4', durationSec: 3, transitionIn: 'cut', transitionSec: 0.5 },
    ],
    totalSec: 6,
    master,
    outputs: [{ aspectRatio: '16:9', spec: master, path: '/w/out.mp4', reframe: 'blur' }],
    text: {
      scenes: [{ startSec: 0, endSec: 3, text: 'Hello {\\b1}' }],
      endCard: null,
      compliance: null,
      fontName: 'DejaVu Sans',
      brandColors: [],
    },
    audio: {
      musicPath: '/w/music.m4a',
      narration: [
        { text: "It's: [here]; %{pts}", startSec: 0.5, endSec: 3 },
        { text: 'ignored', startSec: 3, endSec: 6, audioPath: '/w/tts.wav' },
      ],
      loudness: LOUDNESS_TARGETS.streaming,
    },
    watermark: null,
    metadata: { job_id: 'j' },
    preset: 'veryfast',
    workDir: dir,
    ...overrides,
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-composer-spec-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes the soundtrack (measured, then levelled from that measurement) and encodes the video with it copied in', async () => {
    const { runner, calls } = fakeRunner();
    const progress: number[] = [];
    const result = await new Composer(runner).finalCut(request(), { onProgress: (f) => progress.push(f) });

    expect(calls).toHaveLength(3);
    const [pass1, soundtrack, video] = calls.map((c) => c.cmd);
    expect(pass1.inputs.map((i) => i.path)).toEqual(['/w/music.m4a', '/w/tts.wav']);
    expect(pass1.outputs.map((o) => o.path)).toEqual([join(dir, 'soundtrack.bed.wav'), '-']);
    expect(soundtrack.inputs.map((i) => i.path)).toEqual([join(dir, 'soundtrack.bed.wav')]);
    expect(soundtrack.filterComplex).toContain(
      'loudnorm=I=-14:TP=-1.5:LRA=11:measured_I=-20:measured_TP=-6:measured_LRA=3:measured_thresh=-30:offset=0.1:linear=true',
    );
    expect(soundtrack.outputs.map((o) => o.path)).toEqual([join(dir, 'final-cut.soundtrack.m4a')]);
    expect(video.inputs.map((i) => i.path)).toEqual(['/w/a.mp4', '/w/b.mp4', join(dir, 'final-cut.soundtrack.m4a')]);
    expect(video.filterComplex).not.toContain('loudnorm');
    expect(video.outputs[0].options).toEqual(expect.arrayContaining(['-map', '2:a:0', '-c:a', 'copy']));
    expect(video.filterComplex).toContain(`ass=filename=${join(dir, 'final-cut-0.ass')}`);
    expect(video.outputs[0].options).toContain('job_id=j');
    expect(result.loudness).toEqual({ measuredLufs: -20, measuredTruePeakDb: -6 });
    expect(progress).toEqual([0.05, 0.1, 1]);

    // The narration text reaches ffmpeg only as a file; the graph names the file.
    expect(await readFile(join(dir, 'narration_0.txt'), 'utf8')).toBe("It's: [here]; %{pts}");
    expect(pass1.filterComplex).toContain(`flite=textfile=${join(dir, 'narration_0.txt')}:voice=slt`);
    expect(JSON.stringify(calls)).not.toContain('%{pts}');
  });

  it('encodes video only when the soundtrack step already made the soundtrack, and reports its loudness', async () => {
    const { runner, calls } = fakeRunner();
    const made = { path: '/w/soundtrack.m4a', loudness: { measuredLufs: -19, measuredTruePeakDb: -2 } };
    const progress: number[] = [];
    const result = await new Composer(runner).finalCut(request({ audio: { ...request().audio, made } }), {
      onProgress: (f) => progress.push(f),
    });
    expect(calls).toHaveLength(1);
    const [video] = calls.map((c) => c.cmd);
    expect(video.inputs.map((i) => i.path)).toEqual(['/w/a.mp4', '/w/b.mp4', '/w/soundtrack.m4a']);
    expect(video.outputs[0].options).toEqual(expect.arrayContaining(['-c:a', 'copy']));
    expect(result.loudness).toEqual(made.loudness);
    expect(progress).toEqual([1]);
  });

  it('copies the clips’ video when nothing is drawn, and encodes a silent track when nothing is heard', async () => {
    const { runner, calls } = fakeRunner();
    const result = await new Composer(runner).finalCut(
      request({
        text: { ...request().text, scenes: [] },
        audio: { musicPath: null, narration: [], loudness: LOUDNESS_TARGETS.broadcast },
      }),
    );
    expect(calls).toHaveLength(1);
    const [copy] = calls.map((c) => c.cmd);
    expect(copy.inputs[0]).toEqual({
      path: join(dir, 'final-cut.clips.ffconcat'),
      options: ['-f', 'concat', '-safe', '0'],
    });
    expect(copy.outputs[0].options).toEqual(expect.arrayContaining(['-c:v', 'copy']));
    expect(copy.inputs[1].path).toBe('anullsrc=channel_layout=stereo:sample_rate=48000');
    expect(await readFile(join(dir, 'final-cut.clips.ffconcat'), 'utf8')).toBe(
      "ffconcat version 1.0\nfile '/w/a.mp4'\nfile '/w/b.mp4'\n",
    );
    expect(result).toEqual({
      compliance: null,
      captions: 'WEBVTT\n',
      loudness: { measuredLufs: -Infinity, measuredTruePeakDb: -Infinity },
      scripts: [null],
      encoded: 'all',
    });
  });

  it('refuses a first output that is not at the master size', async () => {
    const { runner } = fakeRunner();
    const vertical = outputSpecFor('9:16');
    await expect(
      new Composer(runner).finalCut(
        request({ outputs: [{ aspectRatio: '9:16', spec: vertical, path: '/w/v.mp4', reframe: 'crop' }] }),
      ),
    ).rejects.toThrow(RangeError);
  });
});
