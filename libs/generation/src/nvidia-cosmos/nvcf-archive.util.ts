import { createWriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import { Errors } from '@app/domain';
import { ProviderError } from '../throughput/provider.errors';
import { videoOfResult } from './nvcf-answer.parser';

/** A result JSON holding a base64 video is read into memory; nothing that claims more is believed. */
const MAX_RESULT_JSON_BYTES = 1024 * 1024 * 1024;

async function entries(zip: ZipFile): Promise<Entry[]> {
  const found: Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      found.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve());
    zip.once('error', reject);
    zip.readEntry();
  });
  return found;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The video in a ZIP NVCF hands back for a large result (a 302 to the archive instead of the
 * body): an .mp4 the function wrote as its output, or the function's JSON answer written as a file
 * (`<requestId>_result.json` in NVIDIA's function helpers) with the video in `b64_video`. Written to
 * `outPath` whatever the entry is called, so entry names never choose where bytes land.
 */
export async function extractArchivedVideo(
  provider: string,
  zipPath: string,
  outPath: string,
  requestId: string,
): Promise<void> {
  const bad = (what: string, cause?: unknown) =>
    new ProviderError(
      Errors.providerBadOutput,
      `${provider}: the result archive of request ${requestId} ${what}`,
      { provider, jobId: requestId },
      { cause },
    );
  let zip: ZipFile;
  try {
    zip = await openPromise(zipPath, { lazyEntries: true, autoClose: false });
  } catch (error) {
    throw bad('is not a readable ZIP', error);
  }
  try {
    const files = (await entries(zip)).filter((e) => !e.fileName.endsWith('/'));
    const mp4 = files.find((e) => /\.mp4$/i.test(e.fileName));
    if (mp4) {
      try {
        await pipeline(await zip.openReadStreamPromise(mp4), createWriteStream(outPath));
      } catch (error) {
        await rm(outPath, { force: true });
        throw bad(`has an unreadable ${mp4.fileName}`, error);
      }
      return;
    }
    for (const entry of files.filter((e) => /\.(json|response)$/i.test(e.fileName))) {
      if (entry.uncompressedSize > MAX_RESULT_JSON_BYTES) continue;
      let json: unknown;
      try {
        json = JSON.parse((await readAll(await zip.openReadStreamPromise(entry))).toString('utf8'));
      } catch {
        continue;
      }
      const video = videoOfResult(json);
      if (video) return writeFile(outPath, video);
    }
    throw bad(`holds no video (entries: ${files.map((e) => e.fileName).join(', ') || 'none'})`);
  } finally {
    zip.close();
  }
}
