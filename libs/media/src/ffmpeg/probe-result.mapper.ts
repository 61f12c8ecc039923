import { type FfprobeData } from 'fluent-ffmpeg';
import { type ProbeResult } from './ffmpeg-command.types';

/** ffprobe prints "N/A" for unknown values; fluent-ffmpeg turns plain numbers into numbers and leaves the rest. */
function toNumber(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

function toRate(value: unknown): number | null {
  if (typeof value !== 'string') return toNumber(value);
  const [num, den] = value.split('/').map(Number);
  if (!Number.isFinite(num) || !den) return null;
  return num / den;
}

export function toProbeResult(data: FfprobeData): ProbeResult {
  const video = data.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = data.streams.find((s) => s.codec_type === 'audio');
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(data.format.tags ?? {})) tags[key] = String(value);
  return {
    durationSec: toNumber(data.format.duration) ?? 0,
    formatName: String(data.format.format_name ?? ''),
    video: video
      ? {
          codec: String(video.codec_name ?? ''),
          width: video.width ?? 0,
          height: video.height ?? 0,
          fps: toRate(video.avg_frame_rate) || toRate(video.r_frame_rate) || 0,
          pixFmt: String(video.pix_fmt ?? ''),
          frames: toNumber(video.nb_frames),
        }
      : null,
    audio: audio
      ? {
          codec: String(audio.codec_name ?? ''),
          sampleRate: toNumber(audio.sample_rate) ?? 0,
          channels: toNumber(audio.channels) ?? 0,
          durationSec: toNumber(audio.duration) ?? 0,
        }
      : null,
    tags,
  };
}
