import { CROSSFADE_SEC, type OutputSpec, type TransitionIn } from '@app/domain';
import { type FfmpegCommand } from './ffmpeg-command.types';
import { escapeFilterValue, formatSeconds } from './filter-syntax.util';
import { AAC_OUTPUT_OPTIONS } from './audio.builder';

export interface ComposeClip {
  path: string;
  /** The clip's real length, including any crossfade tail it carries for the next clip. */
  durationSec: number;
  transitionIn: TransitionIn;
}

export interface ComposeRequest {
  clips: ComposeClip[];
  totalSec: number;
  spec: OutputSpec;
  musicPath: string | null;
  subtitlesPath: string;
  fontsDir: string;
  outPath: string;
  preset: 'veryfast' | 'medium';
}

export const MUSIC_FADE_OUT_SEC = 1;
export const LOUDNORM = 'loudnorm=I=-16:TP=-1.5:LRA=11';
export const COMPOSE_COMMENT = 'Reelsmith';

/**
 * Joins normalised clips into one stream (its label is returned). Cuts and continuous shots are plain
 * joins (runs of them go through one concat); a crossfade overlaps the outgoing clip's extra tail,
 * so its offset is the running length minus the fade and the ad keeps its planned length.
 * Works in whole frames so offsets never drift.
 */
export function joinGraph(
  clips: readonly ComposeClip[],
  fps: number,
): { chains: string[]; label: string; frames: number } {
  if (clips.length === 0) throw new RangeError('nothing to compose: no clips');
  const fadeFrames = Math.round(CROSSFADE_SEC * fps);
  const clipFrames = clips.map((c) => Math.round(c.durationSec * fps));
  const chains = clips.map(
    (_, i) =>
      // Every input on the same clock and frame grid; concat and xfade both insist on it.
      `[${i}:v]setpts=PTS-STARTPTS,fps=${fps},trim=end_frame=${clipFrames[i]},setpts=PTS-STARTPTS,` +
      `format=yuv420p,setsar=1[c${i}]`,
  );

  let run = ['[c0]'];
  let frames = clipFrames[0];
  let joins = 0;
  const flush = (): string => {
    if (run.length === 1) return run[0];
    const label = `[j${joins++}]`;
    // concat hands out microsecond timestamps; xfade needs both inputs on the same time base.
    chains.push(`${run.join('')}concat=n=${run.length}:v=1:a=0,fps=${fps}${label}`);
    return label;
  };

  for (let i = 1; i < clips.length; i++) {
    if (clips[i].transitionIn !== 'crossfade') {
      run.push(`[c${i}]`);
      frames += clipFrames[i];
      continue;
    }
    if (frames < fadeFrames || clipFrames[i] < fadeFrames) {
      throw new RangeError(`clip ${i} crossfades but a side is shorter than ${CROSSFADE_SEC}s`);
    }
    const outgoing = flush();
    const label = `[x${i}]`;
    const offset = formatSeconds((frames - fadeFrames) / fps);
    chains.push(
      `${outgoing}[c${i}]xfade=transition=fade:duration=${formatSeconds(CROSSFADE_SEC)}:offset=${offset}${label}`,
    );
    run = [label];
    frames += clipFrames[i] - fadeFrames;
  }
  return { chains, label: flush(), frames };
}

/**
 * The finished ad in one ffmpeg pass: clips joined, the end card and compliance burned in from an
 * ASS file, music trimmed, faded and loudness-normalised (or silence), H.264 + AAC, exactly totalSec.
 */
export function buildComposeCommand(req: ComposeRequest): FfmpegCommand {
  const { spec } = req;
  const fps = spec.fps;
  const total = formatSeconds(req.totalSec);
  const { chains, label, frames } = joinGraph(req.clips, fps);
  if (Math.abs(frames - Math.round(req.totalSec * fps)) > 1) {
    throw new RangeError(`clips join to ${formatSeconds(frames / fps)}s but the ad is ${total}s`);
  }

  const subtitles =
    `subtitles=filename=${escapeFilterValue(req.subtitlesPath)}` + `:fontsdir=${escapeFilterValue(req.fontsDir)}`;
  chains.push(`${label}${subtitles},format=yuv420p[vout]`);

  const audioInput = req.clips.length;
  const inputs: FfmpegCommand['inputs'] = req.clips.map((c) => ({ path: c.path, options: [] }));
  if (req.musicPath) {
    inputs.push({ path: req.musicPath, options: [] });
    const fadeStart = formatSeconds(Math.max(0, req.totalSec - MUSIC_FADE_OUT_SEC));
    const fadeLength = formatSeconds(Math.min(MUSIC_FADE_OUT_SEC, req.totalSec));
    chains.push(
      `[${audioInput}:a]atrim=duration=${total},asetpts=PTS-STARTPTS,${LOUDNORM},aresample=48000,` +
        `aformat=sample_fmts=fltp:channel_layouts=stereo,apad=whole_dur=${total},` +
        `afade=t=out:st=${fadeStart}:d=${fadeLength}[aout]`,
    );
  } else {
    // Always ship an audio track: some players and ad servers reject a video with none.
    inputs.push({ path: 'anullsrc=channel_layout=stereo:sample_rate=48000', options: ['-f', 'lavfi'] });
    chains.push(`[${audioInput}:a]atrim=duration=${total},asetpts=PTS-STARTPTS[aout]`);
  }

  return {
    inputs,
    filterComplex: chains.join(';'),
    outputs: [
      {
        path: req.outPath,
        options: [
          '-map',
          '[vout]',
          '-map',
          '[aout]',
          '-c:v',
          'libx264',
          '-preset',
          req.preset,
          '-crf',
          '20',
          '-pix_fmt',
          'yuv420p',
          '-r',
          String(fps),
          ...AAC_OUTPUT_OPTIONS,
          '-movflags',
          '+faststart',
          '-t',
          total,
          '-metadata',
          `comment=${COMPOSE_COMMENT}`,
        ],
      },
    ],
  };
}
