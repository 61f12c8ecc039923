import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTextFile } from './text-file.util';

describe(writeTextFile.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-text-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes UTF-8 text verbatim and returns its path', async () => {
    const text = "Hello %{pts} {\\b1} it's: [x] 🌿 花粉症 حساسية";
    const path = await writeTextFile(dir, 'scene.txt', text);
    expect(path).toBe(join(dir, 'scene.txt'));
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it.each(['../escape.txt', 'a/b.txt', ''])('refuses the name %j', async (name) => {
    await expect(writeTextFile(dir, name, 'x')).rejects.toThrow(RangeError);
  });
});
