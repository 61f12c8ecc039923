import { buildPreviewCommand } from './preview.builder';

describe(buildPreviewCommand.name, () => {
  it('encodes the first seconds as a small looping lossy animated WebP without sound', () => {
    expect(buildPreviewCommand('/w/ad.mp4', '/w/ad.webp')).toEqual({
      inputs: [{ path: '/w/ad.mp4', options: ['-t', '6'] }],
      outputs: [
        {
          path: '/w/ad.webp',
          options: [
            '-map',
            '0:v:0',
            '-an',
            '-vf',
            'fps=8,scale=w=320:h=-2:flags=lanczos',
            '-c:v',
            'libwebp_anim',
            '-lossless',
            '0',
            '-quality',
            '60',
            '-compression_level',
            '4',
            '-loop',
            '0',
            '-f',
            'webp',
          ],
        },
      ],
    });
  });

  it('takes width, frame rate and length, and refuses nonsense', () => {
    const cmd = buildPreviewCommand('/w/ad.mp4', '/w/ad.webp', { width: 240, fps: 12.5, maxSec: 3 });
    expect(cmd.inputs[0].options).toEqual(['-t', '3']);
    expect(cmd.outputs[0].options).toContain('fps=12.5,scale=w=240:h=-2:flags=lanczos');
    expect(() => buildPreviewCommand('/a', '/b', { width: 240.5 })).toThrow(RangeError);
    expect(() => buildPreviewCommand('/a', '/b', { fps: 0 })).toThrow(RangeError);
  });
});
