import { CROSSFADE_SEC, isBlended, type TransitionIn } from '@app/domain';
import { formatSeconds } from '../ffmpeg/filter-syntax.util';

export interface JoinClip {
  path: string;
  /** The clip's real length, including the tail it carries for a blended transition after it. */
  durationSec: number;
  transitionIn: TransitionIn;
  /** How long a blended transition into this clip lasts; CROSSFADE_SEC when absent, ignored for joins. */
  transitionSec?: number;
}

export type BlendedTransition = Exclude<TransitionIn, 'cut' | 'continuous'>;

/** The xfade transition behind each blended way into a scene. */
export const XFADE_TRANSITIONS: Record<BlendedTransition, string> = {
  crossfade: 'fade',
  'dip-to-black': 'fadeblack',
  'dip-to-white': 'fadewhite',
  'wipe-left': 'wipeleft',
  'wipe-right': 'wiperight',
  'slide-left': 'slideleft',
  'slide-right': 'slideright',
};

export interface JoinedGraph {
  chains: string[];
  /** The joined picture's label, e.g. `[joined]`. */
  label: string;
  /** Frames the joined picture has: the ad's length on the frame grid. */
  frames: number;
}

/** Frames a clip's blend-in overlaps the clip before it; 0 for the first clip and for joins. */
export function blendFrames(clip: JoinClip, index: number, fps: number): number {
  if (index === 0 || !isBlended(clip.transitionIn)) return 0;
  return Math.round((clip.transitionSec ?? CROSSFADE_SEC) * fps);
}

/**
 * Joins normalised clips (inputs 0..n-1) into one picture. Each clip is cut into up to three
 * segments on the frame grid: the head it blends in with, its body, and the tail the next clip
 * blends over. Only the overlapping head and tail go through xfade (offset 0, the overlap's own
 * length), and bodies and blends are laid end to end by one concat, so the ad keeps exactly the
 * sum of its scenes and every other frame passes straight through. Chaining xfade over whole
 * clips instead sends every frame through every xfade after it, and ffmpeg 5.1's xfade has no
 * 4:2:0 path, so each of those frames would be converted to 4:4:4 and back.
 */
export function joinGraph(clips: readonly JoinClip[], fps: number): JoinedGraph {
  if (clips.length === 0) throw new RangeError('nothing to compose: no clips');
  const chains: string[] = [];
  const sequence: string[] = [];
  const blends = clips.map((c, i) => blendFrames(c, i, fps));
  let frames = 0;

  clips.forEach((clip, i) => {
    const total = Math.round(clip.durationSec * fps);
    const head = blends[i];
    const tail = i + 1 < clips.length ? blends[i + 1] : 0;
    if (head + tail > total) {
      throw new RangeError(`clip ${i} is ${total} frames but blends over ${head + tail}`);
    }
    const body = total - head - tail;
    const segments: { label: string; start: number; end: number; blend: boolean }[] = [];
    if (head) segments.push({ label: `[h${i}]`, start: 0, end: head, blend: true });
    if (body) segments.push({ label: `[b${i}]`, start: head, end: head + body, blend: false });
    if (tail) segments.push({ label: `[t${i}]`, start: total - tail, end: total, blend: true });

    const trim = (s: (typeof segments)[number]) =>
      (s.start ? `trim=start_frame=${s.start}:end_frame=${s.end}` : `trim=end_frame=${s.end}`) +
      // xfade insists on one time base on both sides; clips from different sources may not share one.
      `,setpts=PTS-STARTPTS${s.blend ? `,settb=1/${fps}` : ''}${s.label}`;
    if (segments.length === 1) {
      chains.push(`[${i}:v]${trim(segments[0])}`);
    } else {
      const branches = segments.map((s) => `[${s.label.slice(1, -1)}in]`);
      chains.push(`[${i}:v]split=${segments.length}${branches.join('')}`);
      segments.forEach((s, k) => chains.push(`${branches[k]}${trim(s)}`));
    }

    if (head) {
      const transition = XFADE_TRANSITIONS[clip.transitionIn as BlendedTransition];
      chains.push(
        `[t${i - 1}][h${i}]xfade=transition=${transition}:duration=${formatSeconds(head / fps)}:offset=0,` +
          `format=yuv420p[x${i}]`,
      );
      sequence.push(`[x${i}]`);
      frames += head;
    }
    if (body) {
      sequence.push(`[b${i}]`);
      frames += body;
    }
  });

  if (sequence.length === 1) return { chains, label: sequence[0], frames };
  chains.push(`${sequence.join('')}concat=n=${sequence.length}:v=1:a=0[joined]`);
  return { chains, label: '[joined]', frames };
}
