import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isCompressedType, writeZipArchive } from './zip-archive.writer';

describe(writeZipArchive.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'zip-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every entry in order, stored or deflated, into a ZIP unzip accepts', async () => {
    const video = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
    const text = Buffer.from('WEBVTT\n\n'.repeat(5000));
    const opened: string[] = [];
    const path = join(dir, 'out.zip');
    await writeZipArchive(createWriteStream(path), [
      { name: 'video.mp4', compress: false, open: async () => (opened.push('video'), Readable.from([video])) },
      { name: 'captions.vtt', compress: true, open: async () => (opened.push('captions'), Readable.from([text])) },
    ]);
    expect(opened).toEqual(['video', 'captions']);
    expect(execFileSync('unzip', ['-t', path]).toString()).toContain('No errors detected');
    const listing = execFileSync('unzip', ['-v', path]).toString();
    expect(listing).toMatch(/200000\s+Stored\s+200000\s+0%.*video\.mp4/);
    expect(listing).toMatch(/40000\s+Defl:N.*captions\.vtt/);
    expect(execFileSync('unzip', ['-p', path, 'video.mp4']).equals(video)).toBe(true);
    expect(readFileSync(path).subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
  });

  it('opens a source only after the one before it has been written', async () => {
    let open = 0;
    let most = 0;
    const source = (n: number) => async () => {
      open++;
      most = Math.max(most, open);
      const stream = Readable.from([Buffer.alloc(50_000, n)]);
      stream.on('end', () => open--);
      return stream;
    };
    await writeZipArchive(
      createWriteStream(join(dir, 'seq.zip')),
      [1, 2, 3, 4].map((n) => ({ name: `f${n}.bin`, compress: false, open: source(n) })),
    );
    expect(most).toBe(1);
  });

  it('rejects and destroys the output when a source fails', async () => {
    const out = createWriteStream(join(dir, 'bad.zip'));
    await expect(
      writeZipArchive(out, [
        { name: 'a.bin', compress: false, open: async () => Readable.from([Buffer.alloc(10)]) },
        {
          name: 'b.bin',
          compress: false,
          open: async () => {
            throw new Error('NoSuchKey');
          },
        },
      ]),
    ).rejects.toThrow('NoSuchKey');
    expect(out.destroyed).toBe(true);
  });

  it('knows which content types are already compressed', () => {
    expect(['video/mp4', 'image/jpeg', 'image/webp'].every(isCompressedType)).toBe(true);
    expect(['text/vtt', 'application/json'].some(isCompressedType)).toBe(false);
  });
});
