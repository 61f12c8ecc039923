/**
 * The one encode every generated clip is normalised with, whoever made it (the animatic, a
 * provider): H.264 at the output spec's frame rate and an exact frame count, so that composing
 * never re-scales or re-times a clip. Maps the filter graph's `[v]` output, video only.
 */
export function normalisedClipOptions(fps: number, frames: number): string[] {
  return [
    ...['-map', '[v]', '-an'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p'],
    ...['-r', String(fps), '-g', String(2 * fps), '-frames:v', String(frames)],
    ...['-movflags', '+faststart'],
  ];
}
