import { buildEncodeAudioCommand } from './audio.builder';

describe(buildEncodeAudioCommand.name, () => {
  it('encodes AAC-LC 192k, 48 kHz stereo into a fast-start m4a', () => {
    expect(buildEncodeAudioCommand('/w/music.wav', '/w/music.m4a')).toEqual({
      inputs: [{ path: '/w/music.wav', options: [] }],
      outputs: [
        {
          path: '/w/music.m4a',
          options: [
            '-map',
            '0:a:0',
            '-vn',
            '-c:a',
            'aac',
            '-b:a',
            '192k',
            '-ar',
            '48000',
            '-ac',
            '2',
            '-profile:a',
            'aac_low',
            '-movflags',
            '+faststart',
          ],
        },
      ],
    });
  });
});
