import { buildFramePsnrCommand, buildLastFrameCommand, buildPosterCommand } from './frame.builder';

describe(buildLastFrameCommand.name, () => {
  it('decodes only the last second and writes its final frame as one full-size rgb24 PNG', () => {
    expect(buildLastFrameCommand('/w/scene_0.mp4', '/w/scene_0.last.png')).toEqual({
      inputs: [{ path: '/w/scene_0.mp4', options: ['-sseof', '-1'] }],
      outputs: [
        {
          path: '/w/scene_0.last.png',
          options: ['-map', '0:v:0', '-vf', 'reverse', '-frames:v', '1', '-pix_fmt', 'rgb24', '-update', '1'],
        },
      ],
    });
  });
});

describe(buildPosterCommand.name, () => {
  it('seeks the input and writes one quality-2 JPEG', () => {
    expect(buildPosterCommand('/w/output.mp4', 13.5, '/w/poster.jpg')).toEqual({
      inputs: [{ path: '/w/output.mp4', options: ['-ss', '13.5'] }],
      outputs: [{ path: '/w/poster.jpg', options: ['-map', '0:v:0', '-frames:v', '1', '-q:v', '2', '-update', '1'] }],
    });
  });

  it('clamps a negative time to the start', () => {
    expect(buildPosterCommand('/w/o.mp4', -2, '/w/p.jpg').inputs[0].options).toEqual(['-ss', '0']);
  });
});

describe(buildFramePsnrCommand.name, () => {
  it('compares the first frames of both inputs in 4:2:0 YUV and discards the video', () => {
    expect(buildFramePsnrCommand('/w/a.png', '/w/b.mp4')).toEqual({
      inputs: [
        { path: '/w/a.png', options: [] },
        { path: '/w/b.mp4', options: [] },
      ],
      filterComplex:
        '[0:v]trim=end_frame=1,setpts=PTS-STARTPTS,format=yuv420p[a];' +
        '[1:v]trim=end_frame=1,setpts=PTS-STARTPTS,format=yuv420p[b];' +
        '[a][b]psnr=shortest=1[psnr]',
      outputs: [{ path: '-', options: ['-map', '[psnr]', '-f', 'null'] }],
    });
  });
});
