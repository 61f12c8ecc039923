import { outputSpecFor } from '@app/domain';
import { ffmpegArgs } from '@app/media';
import {
  buildFitImageCommand,
  buildMusicBedCommand,
  buildNormaliseClipCommand,
  clipFrames,
} from './provider-media.builder';

describe(buildNormaliseClipCommand.name, () => {
  it('scales to cover, crops, retimes and holds the last frame, then cuts to the exact frame count', () => {
    const cmd = buildNormaliseClipCommand({
      inputPath: '/w/raw.mp4',
      outPath: '/w/scene_0.mp4',
      spec: outputSpecFor('9:16'),
      durationSec: 6.5,
      slowdown: 1.25,
    });
    expect(cmd.filterComplex).toBe(
      '[0:v:0]setpts=1.25*(PTS-STARTPTS),fps=24,scale=720:1280:force_original_aspect_ratio=increase:flags=lanczos,' +
        'crop=720:1280,setsar=1,format=yuv420p,tpad=stop_mode=clone:stop_duration=6.5[v]',
    );
    expect(ffmpegArgs(cmd)).toEqual([
      '-hide_banner',
      '-nostdin',
      '-i',
      '/w/raw.mp4',
      '-y',
      '-filter_complex',
      cmd.filterComplex,
      '-map',
      '[v]',
      '-an',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '18',
      '-pix_fmt',
      'yuv420p',
      '-r',
      '24',
      '-g',
      '48',
      '-frames:v',
      '156',
      '-movflags',
      '+faststart',
      '/w/scene_0.mp4',
    ]);
  });

  it('counts frames by rounding duration x fps', () => {
    expect(clipFrames(7.5, 24)).toBe(180);
    expect(clipFrames(0.01, 24)).toBe(1);
  });
});

describe(buildMusicBedCommand.name, () => {
  it('pads or cuts to the exact length, fades in and out, encodes AAC', () => {
    const cmd = buildMusicBedCommand({ inputPath: '/w/in.wav', outPath: '/w/music.m4a', durationSec: 30 });
    expect(cmd.filterComplex).toBe(
      '[0:a:0]aresample=48000,apad=whole_dur=30,atrim=end=30,asetpts=PTS-STARTPTS,afade=t=in:st=0:d=0.05,afade=t=out:st=28.5:d=1.5[a]',
    );
    expect(cmd.outputs[0].options).toEqual(
      expect.arrayContaining(['-map', '[a]', '-vn', '-c:a', 'aac', '-t', '30', '-movflags', '+faststart']),
    );
  });

  it('keeps fades inside a short bed', () => {
    expect(buildMusicBedCommand({ inputPath: 'i', outPath: 'o', durationSec: 3 }).filterComplex).toContain(
      'afade=t=out:st=2:d=1[a]',
    );
  });
});

describe(buildFitImageCommand.name, () => {
  it('makes one PNG frame at exactly the requested size', () => {
    expect(ffmpegArgs(buildFitImageCommand('/w/in', '/w/out.png', 1280, 720))).toEqual([
      '-hide_banner',
      '-nostdin',
      '-i',
      '/w/in',
      '-y',
      '-map',
      '0:v:0',
      '-vf',
      'scale=1280:720:force_original_aspect_ratio=increase:flags=lanczos,crop=1280:720,setsar=1',
      '-frames:v',
      '1',
      '-pix_fmt',
      'rgb24',
      '-update',
      '1',
      '/w/out.png',
    ]);
  });
});
