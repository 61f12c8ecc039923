import { type FfmpegCommand, ffmpegArgs } from './ffmpeg-command.types';
import { FfmpegError, FfmpegRunner, fluentArgs, parsePsnr, progressTime } from './ffmpeg.runner';
import { Errors } from '@app/domain';

const silentLogger = { log: () => undefined, error: () => undefined };

const twoInputs: FfmpegCommand = {
  inputs: [
    { path: '/w/a.mp4', options: ['-ss', '1'] },
    { path: 'anullsrc=channel_layout=stereo:sample_rate=48000', options: ['-f', 'lavfi'] },
  ],
  filterComplex: '[0:v]null[v]',
  outputs: [{ path: '/w/out.mp4', options: ['-map', '[v]', '-map', '1:a', '-metadata', 'comment=made by us'] }],
};

describe(ffmpegArgs.name, () => {
  it('puts global flags first, then inputs, -y, the graph and the outputs', () => {
    expect(ffmpegArgs(twoInputs)).toEqual([
      '-hide_banner',
      '-nostdin',
      '-ss',
      '1',
      '-i',
      '/w/a.mp4',
      '-f',
      'lavfi',
      '-i',
      'anullsrc=channel_layout=stereo:sample_rate=48000',
      '-y',
      '-filter_complex',
      '[0:v]null[v]',
      '-map',
      '[v]',
      '-map',
      '1:a',
      '-metadata',
      'comment=made by us',
      '/w/out.mp4',
    ]);
  });

  it('carries the global flags on the first output when there is no input', () => {
    expect(
      ffmpegArgs({ inputs: [], filterComplex: 'color[v]', outputs: [{ path: '/w/o.png', options: ['-map', '[v]'] }] }),
    ).toEqual(['-y', '-filter_complex', 'color[v]', '-hide_banner', '-nostdin', '-map', '[v]', '/w/o.png']);
  });
});

describe(fluentArgs.name, () => {
  it('is exactly what ffmpegArgs logs, option values with spaces kept whole', () => {
    expect(fluentArgs(twoInputs)).toEqual(ffmpegArgs(twoInputs));
  });

  it('matches ffmpegArgs without inputs or graph too', () => {
    const cmd: FfmpegCommand = {
      inputs: [],
      filterComplex: 'color=c=red:s=16x16:d=1[v]',
      outputs: [{ path: '-', options: ['-map', '[v]', '-f', 'null'] }],
    };
    expect(fluentArgs(cmd)).toEqual(ffmpegArgs(cmd));
  });

  it('refuses a lone option with a space, which fluent-ffmpeg would split', () => {
    const cmd: FfmpegCommand = {
      inputs: [
        { path: '/a', options: [] },
        { path: '/b', options: ['-metadata title=x'] },
      ],
      outputs: [{ path: '/o', options: [] }],
    };
    expect(() => fluentArgs(cmd)).toThrow(RangeError);
  });
});

describe(progressTime.name, () => {
  it('reads the time of a video progress line', () => {
    expect(
      progressTime('frame=  110 fps= 72 q=23.0 size=     512kB time=00:01:03.75 bitrate=1118.6kbits/s speed=2.47x'),
    ).toBeCloseTo(63.75);
  });

  it('reads the time of an audio-only progress line', () => {
    expect(progressTime('size=     256kB time=01:00:02.50 bitrate= 838.9kbits/s speed=40x')).toBeCloseTo(3602.5);
  });

  it('treats a negative start time as zero and other lines as not progress', () => {
    expect(progressTime('frame=    0 fps=0.0 q=0.0 size=       0kB time=-577014:32:22.77 bitrate=N/A')).toBe(0);
    expect(progressTime('Stream #0:0: Video: h264, yuv420p, 1280x720, 24 fps')).toBeNull();
    expect(progressTime('[Parsed_drawtext_0 @ 0x1] time=00:00:01.00 in a log line')).toBeNull();
  });
});

describe(parsePsnr.name, () => {
  it('reads the average of the summary line', () => {
    expect(
      parsePsnr(['[Parsed_psnr_4 @ 0x5] PSNR r:44.64 g:48.70 b:45.59 average:45.996179 min:45.996179 max:45.996179']),
    ).toBeCloseTo(45.996179);
  });

  it('returns Infinity for identical frames and null when there is no summary', () => {
    expect(parsePsnr(['[Parsed_psnr_2 @ 0x5] PSNR r:inf g:inf b:inf average:inf min:inf max:inf'])).toBe(Infinity);
    expect(parsePsnr(['nothing here'])).toBeNull();
  });
});

describe(FfmpegError.name, () => {
  it('carries the stable code, the args and the stderr tail', () => {
    const error = new FfmpegError('ffmpeg exited with code 1: boom', ['-i', 'x'], 'line 1\nboom');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('FfmpegError');
    expect(error.code).toBe(Errors.ffmpegFailed.code);
    expect(error.code).toBe('MEDIA.FFMPEG_FAILED');
    expect(error.args).toEqual(['-i', 'x']);
    expect(error.stderr).toContain('boom');
  });
});

describe(FfmpegRunner.name, () => {
  it('rejects with AbortError without starting ffmpeg when the signal is already aborted', async () => {
    const log = jest.fn();
    const runner = new FfmpegRunner({ logger: { log, error: log } });
    const controller = new AbortController();
    controller.abort();
    await expect(runner.run(twoInputs, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(log).not.toHaveBeenCalled();
  });

  it('can be built without options', () => {
    expect(new FfmpegRunner()).toBeInstanceOf(FfmpegRunner);
    expect(new FfmpegRunner({ logger: silentLogger })).toBeInstanceOf(FfmpegRunner);
  });
});
