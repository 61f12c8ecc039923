import { type OutputSpec } from '@app/domain';
import { type FfmpegCommand } from './ffmpeg-command.types';
import { escapeFilterValue, formatSeconds } from './filter-syntax.util';
import { AAC_OUTPUT_OPTIONS } from './audio.builder';
import { joinGraph, type JoinClip } from './transition-graph.builder';

export type ComposeClip = JoinClip;

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
