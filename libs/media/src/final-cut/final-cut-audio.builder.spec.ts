import {
  audioMixGraph,
  BED_FORMAT,
  bedLevelFilter,
  buildLoudnessPass1Command,
  buildSoundtrackCommand,
  isMeasurable,
  loudnormPass2Filter,
  parseLoudnormJson,
  statementDuckFilter,
  type VoiceLine,
} from './final-cut-audio.builder';

const flite = (name: string, startSec: number, endSec: number): VoiceLine => ({
  source: { kind: 'flite', textFilePath: `/w/${name}.txt`, voice: 'slt' },
  startSec,
  endSec,
});
const MIX = 'aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo';
const MUSIC = `[0:a]atrim=end=30,asetpts=PTS-STARTPTS,${MIX},apad=whole_dur=30,afade=t=out:st=29:d=1[music]`;
const STREAMING = { integratedLufs: -14, truePeakDb: -1, lra: 11 };

describe(audioMixGraph.name, () => {
  it('places each line at its start, cuts it at its scene’s end, ducks the music under the voice and sums them', () => {
    const graph = audioMixGraph({
      totalSec: 30,
      musicPath: '/w/music.m4a',
      voices: [flite('line_0', 0.5, 9), { source: { kind: 'file', path: '/w/tts_1.wav' }, startSec: 13.5, endSec: 22 }],
    });
    expect(graph).toEqual({
      inputs: [
        { path: '/w/music.m4a', options: [] },
        { path: '/w/tts_1.wav', options: [] },
      ],
      chains: [
        MUSIC,
        `flite=textfile=/w/line_0.txt:voice=slt,${MIX},adelay=delays=24000S:all=1,atrim=end=9,` +
          'afade=t=out:st=8.95:d=0.05[v0]',
        `[1:a]${MIX},adelay=delays=648000S:all=1,atrim=end=22,afade=t=out:st=21.95:d=0.05[v1]`,
        '[v0][v1]amix=inputs=2:normalize=0:duration=longest,apad=whole_dur=30,asplit=2[vkey][voice]',
        '[music][vkey]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400[ducked]',
        '[ducked][voice]amix=inputs=2:normalize=0:duration=first[mix]',
      ],
      label: '[mix]',
    });
  });

  it('uses the music alone, the voice alone, or nothing', () => {
    expect(audioMixGraph({ totalSec: 30, musicPath: '/w/m.m4a', voices: [] })).toEqual({
      inputs: [{ path: '/w/m.m4a', options: [] }],
      chains: [MUSIC],
      label: '[music]',
    });
    expect(audioMixGraph({ totalSec: 6, musicPath: null, voices: [flite('a', 1, 4)] })).toEqual({
      inputs: [],
      chains: [
        `flite=textfile=/w/a.txt:voice=slt,${MIX},adelay=delays=48000S:all=1,atrim=end=4,afade=t=out:st=3.95:d=0.05[v0]`,
        '[v0]apad=whole_dur=6[voice]',
      ],
      label: '[voice]',
    });
    expect(audioMixGraph({ totalSec: 6, musicPath: null, voices: [] })).toEqual({
      inputs: [],
      chains: [],
      label: null,
    });
  });

  it('keeps lines inside the ad and drops lines that fall outside it', () => {
    const graph = audioMixGraph({ totalSec: 6, musicPath: null, voices: [flite('a', 5, 9), flite('b', 7, 8)] });
    expect(graph.chains[0]).toContain('adelay=delays=240000S:all=1,atrim=end=6,afade=t=out:st=5.95');
    expect(graph.chains).toHaveLength(2);
  });

  it('reads narration from the text file only, its path escaped for the graph', () => {
    const graph = audioMixGraph({
      totalSec: 6,
      musicPath: null,
      voices: [
        {
          source: { kind: 'flite', textFilePath: "/w/it's: [odd], dir;/n.txt", voice: 'slt' },
          startSec: 0,
          endSec: 3,
        },
      ],
    });
    expect(graph.chains[0]).toMatch(/^flite=textfile=\/w\/it\\\\\\'s\\\\: \\\[odd\\\]\\, dir\\;\/n\.txt:voice=slt,/);
  });
});

describe(buildLoudnessPass1Command.name, () => {
  it('renders the bed to a float WAV and measures it with loudnorm, audio only', () => {
    const mix = audioMixGraph({ totalSec: 30, musicPath: '/w/music.m4a', voices: [] });
    expect(buildLoudnessPass1Command(mix, STREAMING, '/w/bed.wav')).toEqual({
      inputs: [{ path: '/w/music.m4a', options: [] }],
      filterComplex: [
        MUSIC,
        '[music]asplit=2[bed][measure]',
        '[measure]loudnorm=I=-14:TP=-1.5:LRA=11:print_format=json[measured]',
      ].join(';'),
      outputs: [
        { path: '/w/bed.wav', options: ['-map', '[bed]', '-c:a', 'pcm_f32le'] },
        { path: '-', options: ['-map', '[measured]', '-f', 'null'] },
      ],
    });
  });

  it('refuses to measure a silent ad', () => {
    expect(() => buildLoudnessPass1Command({ inputs: [], chains: [], label: null }, STREAMING, '/w/b.wav')).toThrow(
      RangeError,
    );
  });
});

describe(buildSoundtrackCommand.name, () => {
  const LEVEL =
    'loudnorm=I=-14:TP=-1.5:LRA=11:measured_I=-20:measured_TP=-6:measured_LRA=3:measured_thresh=-30:offset=0:linear=true';
  const AAC = ['-c:a', 'aac', '-b:a', '192k', '-ar', '48000', '-ac', '2', '-aac_coder', 'fast'];

  it('levels the bed from pass 1, cuts it to the ad and encodes AAC once, for the final cut to copy', () => {
    expect(
      buildSoundtrackCommand({ wavPath: '/w/bed.wav', levelFilter: LEVEL, totalSec: 6, outPath: '/w/soundtrack.m4a' }),
    ).toEqual({
      inputs: [{ path: '/w/bed.wav', options: [] }],
      filterComplex: `[0:a]${LEVEL},apad=whole_dur=6,atrim=end=6[soundtrack]`,
      outputs: [
        {
          path: '/w/soundtrack.m4a',
          options: ['-map', '[soundtrack]', '-vn', ...AAC, '-movflags', '+faststart', '-t', '6'],
        },
      ],
    });
  });

  it('makes a silent stereo soundtrack of the ad’s length when there is nothing to hear', () => {
    const cmd = buildSoundtrackCommand({ wavPath: null, levelFilter: '', totalSec: 6, outPath: '/w/s.m4a' });
    expect(cmd.inputs).toEqual([
      { path: 'anullsrc=channel_layout=stereo:sample_rate=48000', options: ['-f', 'lavfi'] },
    ]);
    expect(cmd.filterComplex).toBe('[0:a]apad=whole_dur=6,atrim=end=6[soundtrack]');
  });
});

describe(loudnormPass2Filter.name, () => {
  it('hands loudnorm pass 1’s measurements with linear=true and goes back to 48 kHz', () => {
    expect(
      loudnormPass2Filter(
        { integratedLufs: -23, truePeakDb: -1, lra: 15 },
        { integratedLufs: -16.56, truePeakDb: -3.07, lra: 1.8, thresholdLufs: -26.69, offsetLu: 0.07 },
      ),
    ).toBe(
      'loudnorm=I=-23:TP=-1.5:LRA=15:measured_I=-16.56:measured_TP=-3.07:measured_LRA=1.8:measured_thresh=-26.69' +
        `:offset=0.07:linear=true,${MIX}`,
    );
  });

  it('clamps measurements to loudnorm’s option ranges', () => {
    expect(
      loudnormPass2Filter(STREAMING, {
        integratedLufs: -120,
        truePeakDb: -Infinity,
        lra: 120,
        thresholdLufs: -130,
        offsetLu: 0,
      }),
    ).toContain(':measured_I=-99:measured_TP=-99:measured_LRA=99:measured_thresh=-99:offset=0:');
  });
});

describe(parseLoudnormJson.name, () => {
  const stderr = [
    'size=N/A time=00:00:30.00 bitrate=N/A speed= 35x',
    '[Parsed_loudnorm_31 @ 0x5584d8000100] ',
    '{',
    '\t"input_i" : "-16.48",',
    '\t"input_tp" : "-1.82",',
    '\t"input_lra" : "1.70",',
    '\t"input_thresh" : "-26.61",',
    '\t"output_i" : "-14.07",',
    '\t"output_tp" : "-1.00",',
    '\t"output_lra" : "1.50",',
    '\t"output_thresh" : "-24.14",',
    '\t"normalization_type" : "dynamic",',
    '\t"target_offset" : "0.07"',
    '}',
  ];

  it('reads the input measurements and the target offset', () => {
    expect(parseLoudnormJson(stderr)).toEqual({
      integratedLufs: -16.48,
      truePeakDb: -1.82,
      lra: 1.7,
      thresholdLufs: -26.61,
      offsetLu: 0.07,
    });
  });

  it('reads silence as -Infinity, which is not measurable', () => {
    const silent = stderr.map((l) => l.replace('"-16.48"', '"-inf"').replace('"-1.82"', '"-inf"'));
    const measured = parseLoudnormJson(silent);
    expect(measured.integratedLufs).toBe(-Infinity);
    expect(isMeasurable(measured)).toBe(false);
    expect(isMeasurable(parseLoudnormJson(stderr))).toBe(true);
    expect(bedLevelFilter(STREAMING, measured)).toBe(BED_FORMAT);
    expect(bedLevelFilter(STREAMING, parseLoudnormJson(stderr))).toMatch(/^loudnorm=.*:linear=true,aresample=48000,/);
  });

  it('fails loudly when there is no summary or a value is unreadable', () => {
    expect(() => parseLoudnormJson(stderr.slice(0, 5))).toThrow(RangeError);
    expect(() => parseLoudnormJson(stderr.map((l) => l.replace('"0.07"', '"nan"')))).toThrow(RangeError);
  });
});

describe('major statement in the mix', () => {
  it('holds the music 16 dB down over the statement with short ramps, and says its lines slower', () => {
    const graph = audioMixGraph({
      totalSec: 20,
      musicPath: '/w/music.m4a',
      voices: [
        { source: { kind: 'flite', textFilePath: '/w/s.txt', voice: 'slt' }, startSec: 10, endSec: 13, tempo: 0.93 },
      ],
      duckWindows: [{ startSec: 10, endSec: 16 }],
      stems: true,
    });

    expect(statementDuckFilter([{ startSec: 10, endSec: 16 }])).toBe(
      "volume=volume='1-0.84*min(1,min(clip((t-9.7)/0.3,0,1),clip((16.3-t)/0.3,0,1)))':eval=frame",
    );
    expect(graph.chains.join(';')).toContain('[music_made]volume=volume=');
    expect(graph.chains.join(';')).toContain('voice=slt,atempo=0.93,');
    expect(graph.stems).toEqual({ music: '[stem_music]', ducked: '[stem_ducked]', voice: '[stem_voice]' });
  });
});
