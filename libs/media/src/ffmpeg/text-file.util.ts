import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** Writes UTF-8 text for ffmpeg to read as data (drawtext `textfile=`, `subtitles=`) and returns its path. */
export async function writeTextFile(dir: string, name: string, text: string): Promise<string> {
  if (!name || basename(name) !== name) throw new RangeError(`not a plain file name: ${JSON.stringify(name)}`);
  const path = join(dir, name);
  await writeFile(path, text, 'utf8');
  return path;
}
