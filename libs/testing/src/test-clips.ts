import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FfmpegCommand } from '@app/media';

/** A fast H.264 clip (or, for a `.png` path, one image) from a lavfi source graph. */
export function lavfiCommand(graph: string, outPath: string): FfmpegCommand {
  const options = outPath.endsWith('.png')
    ? ['-frames:v', '1', '-update', '1']
    : ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  return { inputs: [{ path: graph, options: ['-f', 'lavfi'] }], outputs: [{ path: outPath, options }] };
}

/** A clip that holds one image for `durationSec`, as a seeded clip opens on its seed; `filter` alters it. */
export function stillClipCommand(
  imagePath: string,
  durationSec: number,
  outPath: string,
  filter?: string,
): FfmpegCommand {
  return {
    inputs: [{ path: imagePath, options: ['-loop', '1', '-framerate', '25', '-t', String(durationSec)] }],
    outputs: [
      {
        path: outPath,
        options: [...(filter ? ['-vf', filter] : []), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
      },
    ],
  };
}

/** A temp work dir whose name holds the characters that break careless quoting. */
export function oddWorkDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${prefix} it's [a,b];c=d: `));
}
