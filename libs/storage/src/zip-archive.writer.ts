import { once } from 'node:events';
import { type Readable, type Writable } from 'node:stream';
import archiver from 'archiver';

/** One file of an archive: its name inside the ZIP, and how to open its bytes when its turn comes. */
export interface ArchiveEntry {
  name: string;
  open: () => Promise<Readable>;
  /** false for media that is already compressed (MP4, JPEG, WebP): stored as is, no CPU spent on deflate */
  compress: boolean;
}

/** Content types whose bytes are already compressed: deflating them again costs CPU and saves nothing. */
const COMPRESSED = /^(video|audio)\/|^image\/(jpeg|png|webp|gif|avif)$|^application\/(zip|gzip)$/;

export function isCompressedType(contentType: string): boolean {
  return COMPRESSED.test(contentType);
}

/**
 * Streams a ZIP of `entries` into `out`, one entry after another: each source is opened only when
 * the one before it has been written, so at most one source stream is open and nothing is copied
 * to disk or held whole in memory. ZIP64 records are written when the archive needs them (over
 * 4 GiB or 65,535 entries). Rejects (and destroys `out`) when a source fails or `out` goes away.
 */
export async function writeZipArchive(out: Writable, entries: ArchiveEntry[], signal?: AbortSignal): Promise<void> {
  const archive = archiver('zip', { zlib: { level: 6 } });
  let failure: Error | null = null;
  let finished = false;
  const failed = new Promise<never>((_, reject) => {
    const fail = (error: Error) => {
      failure ??= error;
      reject(failure);
    };
    archive.on('error', fail);
    archive.on('warning', fail);
    out.on('error', fail);
    out.on('close', () => {
      if (!finished) fail(new Error('the client went away before the archive was complete'));
    });
    signal?.addEventListener('abort', () => fail(new Error('archive aborted')), { once: true });
  });
  failed.catch(() => undefined);
  archive.pipe(out);
  try {
    for (const entry of entries) {
      if (failure) throw failure;
      const source = await Promise.race([entry.open(), failed]);
      const written = once(archive, 'entry');
      archive.append(source, { name: entry.name, store: !entry.compress });
      await Promise.race([written, failed]);
    }
    const ended = once(out, 'finish');
    await Promise.race([archive.finalize(), failed]);
    await Promise.race([ended, failed]);
    finished = true;
  } catch (error) {
    archive.abort();
    out.destroy(error as Error);
    throw error;
  }
}
