import {
  buildFirstFrameTensorCommand,
  buildLastFrameTensorCommand,
  buildSampledFramesTensorCommand,
  samplingRate,
} from './frame-tensor.builder';

const RAW = ['-f', 'rawvideo', '-pix_fmt', 'rgb24'];

describe(buildFirstFrameTensorCommand.name, () => {
  it('writes the first frame, area-scaled, as raw rgb24', () => {
    expect(buildFirstFrameTensorCommand('/w/seed.png', { width: 64, height: 36 }, '/w/a.rgb')).toEqual({
      inputs: [{ path: '/w/seed.png', options: [] }],
      outputs: [
        { path: '/w/a.rgb', options: ['-map', '0:v:0', '-vf', 'scale=64:36:flags=area', '-frames:v', '1', ...RAW] },
      ],
    });
  });

  it('refuses a size that is not whole positive pixels', () => {
    expect(() => buildFirstFrameTensorCommand('/w/a.png', { width: 0, height: 10 }, '/w/a.rgb')).toThrow(RangeError);
    expect(() => buildFirstFrameTensorCommand('/w/a.png', { width: 1.5, height: 10 }, '/w/a.rgb')).toThrow(RangeError);
  });
});

describe(buildLastFrameTensorCommand.name, () => {
  it('decodes the last second only and scales before reverse buffers the frames', () => {
    expect(buildLastFrameTensorCommand('/w/clip.mp4', { width: 32, height: 32 }, '/w/b.rgb')).toEqual({
      inputs: [{ path: '/w/clip.mp4', options: ['-sseof', '-1'] }],
      outputs: [
        {
          path: '/w/b.rgb',
          options: ['-map', '0:v:0', '-vf', 'scale=32:32:flags=area,reverse', '-frames:v', '1', ...RAW],
        },
      ],
    });
  });
});

describe(buildSampledFramesTensorCommand.name, () => {
  it('scales, then resamples to the rate, with no cap for a fixed rate', () => {
    const cmd = buildSampledFramesTensorCommand('/w/clip.mp4', { width: 32, height: 32 }, { fps: 30 }, '/w/c.rgb');
    expect(cmd).toEqual({
      inputs: [{ path: '/w/clip.mp4', options: [] }],
      outputs: [{ path: '/w/c.rgb', options: ['-map', '0:v:0', '-vf', 'scale=32:32:flags=area,fps=30', ...RAW] }],
    });
  });

  it('caps the frame count of a spread sampling', () => {
    const cmd = buildSampledFramesTensorCommand(
      '/w/clip.mp4',
      { width: 32, height: 32 },
      { fps: 7.5, maxFrames: 30 },
      '/w/c.rgb',
    );
    expect(cmd).toEqual({
      inputs: [{ path: '/w/clip.mp4', options: [] }],
      outputs: [
        {
          path: '/w/c.rgb',
          options: ['-map', '0:v:0', '-vf', 'scale=32:32:flags=area,fps=7.5', '-frames:v', '30', ...RAW],
        },
      ],
    });
  });

  it('writes a fractional rate without float noise', () => {
    const cmd = buildSampledFramesTensorCommand(
      '/w/c.mp4',
      { width: 8, height: 8 },
      { fps: 8 / 3, maxFrames: 8 },
      '/w/c.rgb',
    );
    expect(cmd.outputs[0].options[3]).toBe('scale=8:8:flags=area,fps=2.666667');
  });
});

describe(samplingRate.name, () => {
  it('keeps a fixed rate, uncapped, without needing the duration', () => {
    expect(samplingRate({ fps: 30 })).toEqual({ fps: 30 });
  });

  it('spreads a frame count evenly over the duration', () => {
    expect(samplingRate({ frames: 8 }, 4)).toEqual({ fps: 2, maxFrames: 8 });
  });

  it('refuses a count over no duration and nonsense rates or counts', () => {
    expect(() => samplingRate({ frames: 8 }, 0)).toThrow('cannot spread frames');
    expect(() => samplingRate({ frames: 8 })).toThrow('cannot spread frames');
    expect(() => samplingRate({ frames: 0 }, 4)).toThrow('not a frame count');
    expect(() => samplingRate({ fps: 0 }, 4)).toThrow('not a sampling rate');
    expect(() => samplingRate({ fps: Infinity }, 4)).toThrow('not a sampling rate');
  });
});
