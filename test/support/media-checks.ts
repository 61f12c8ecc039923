import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Composer, FfmpegRunner } from '@app/media';

export const ffmpeg = new FfmpegRunner();
export const composer = new Composer(ffmpeg);

export async function download(url: string, dir: string, name: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`download ${url}: ${response.status}`);
  const path = join(dir, name);
  writeFileSync(path, Buffer.from(await response.arrayBuffer()));
  return path;
}

/** The first frame of a clip as PNG. */
export async function firstFrame(clip: string, out: string): Promise<string> {
  await ffmpeg.run({
    inputs: [{ path: clip, options: [] }],
    outputs: [{ path: out, options: ['-frames:v', '1', '-pix_fmt', 'rgb24'] }],
  });
  return out;
}
