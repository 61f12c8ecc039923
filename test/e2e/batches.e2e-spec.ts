import { execFileSync } from 'node:child_process';
import { linkSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BuiltStack, KEY_A, KEY_B, startBuiltStack } from '../support/built-stack';
import { Client } from '../support/http';
import { download, ffmpeg } from '../support/media-checks';

const allergy = {
  ...JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'examples', 'briefs', 'allergy-30s.json'), 'utf8')),
  durationSec: 6,
  quality: 'preview',
  // Without its compliance block: the major statement needs 24 s to be spoken and shown (intake refuses
  // less), and 8 ads of 24 s made this suite ~9 minutes longer on the shared CI machine (818 s against 262 s).
  // The compliance path has its own suite (pharma-compliance.e2e-spec.ts).
  compliance: undefined,
};

/** The batch's SSE events (`event: batch`) until the server ends the stream. */
async function batchEvents(client: Client, id: string): Promise<{ status: string; items: { status: string }[] }[]> {
  const response = await fetch(`${client.baseUrl}/v1/batches/${id}/events`, { headers: { 'x-api-key': KEY_A } });
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('event: batch'))
    .map((block) =>
      JSON.parse(
        block
          .split('\n')
          .find((l) => l.startsWith('data: '))!
          .slice(6),
      ),
    );
}

/** Resident memory of a process in bytes (Linux). */
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

/** The API child of the stack's process group. */
function apiPid(stack: BuiltStack): number {
  const ps = execFileSync('ps', ['-o', 'pid=,args=', '-g', String(stack.pid)], { encoding: 'utf8' });
  const line = ps.split('\n').find((l) => /apps\/api\/src\/main\.js/.test(l))!;
  return Number(line.trim().split(/\s+/)[0]);
}

describe('batches over HTTP (embedded defaults)', () => {
  let stack: BuiltStack;
  let client: Client;
  let dir: string;
  let batchId: string;

  beforeAll(async () => {
    stack = await startBuiltStack({ env: { WORKER_CONCURRENCY: '4' } });
    client = new Client(stack.baseUrl, KEY_A);
    dir = mkdtempSync(join(tmpdir(), 'batches-e2e-'));
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs 8 variations of the allergy brief to completion and streams their events', async () => {
    const submitted = await client.request('POST', '/v1/batches', { brief: allergy, variations: 8 });
    expect(submitted.status).toBe(202);
    expect(submitted.body.items).toHaveLength(8);
    expect(new Set(submitted.body.items.map((i: { label: string }) => i.label)).size).toBe(8);
    batchId = submitted.body.id;

    const events = await batchEvents(client, batchId);
    expect(events.length).toBeGreaterThan(1);
    expect(events.at(-1)!.items.every((i) => ['completed', 'failed', 'cancelled'].includes(i.status))).toBe(true);
    const { body } = await client.request('GET', `/v1/batches/${batchId}`);
    // the items' errors, if any, show in the failure message
    expect({ ...body, errors: body.items.map((i: { error: unknown }) => i.error).filter(Boolean) }).toMatchObject({
      status: 'completed',
      counts: { completed: 8 },
      errors: [],
    });
    // another tenant cannot see it
    expect((await new Client(stack.baseUrl, KEY_B).request('GET', `/v1/batches/${batchId}`)).status).toBe(404);
  }, 900_000);

  it('downloads one ZIP with the 8 MP4s and their posters that unzip -t finds clean', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/batches/${batchId}/archive`, { headers: { 'x-api-key': KEY_A } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const zip = join(dir, 'batch.zip');
    writeFileSync(zip, Buffer.from(await response.arrayBuffer()));
    execFileSync('unzip', ['-tq', zip]);
    const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
    expect(names.filter((n) => n.endsWith('.mp4'))).toHaveLength(8);
    expect(names.filter((n) => /poster\.jpg$/.test(n))).toHaveLength(8);
    expect(new Set(names.map((n) => n.split('/')[0])).size).toBe(8);
  });

  /** Downloads the batch's archive, sampling the API's RSS at every chunk: bytes, the last bytes, the peak growth. */
  async function streamArchive(pid: number) {
    const before = rssOf(pid);
    let peak = before;
    const response = await fetch(`${stack.baseUrl}/v1/batches/${batchId}/archive`, { headers: { 'x-api-key': KEY_A } });
    let received = 0;
    let tail = Buffer.alloc(0);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      tail = Buffer.concat([tail, Buffer.from(chunk)]).subarray(-128);
      peak = Math.max(peak, rssOf(pid));
    }
    return { received, tail, growth: peak - before };
  }

  it('streams a 500 MB archive with the API memory flat (RSS growth under 50 MB)', async () => {
    // Make the batch's clips big, cheaply: one generated clip looped by stream copy to ~64 MB, stored
    // over each item's video in the bucket (the embedded S3 does not check signatures).
    const { body } = await client.request('GET', `/v1/batches/${batchId}`);
    const job = await client.job(body.items[0].id);
    const video = job.outputs.find((o) => o.type === 'video')!;
    const clip = await download(video.url, dir, 'clip.mp4');
    const big = join(dir, 'big.mp4');
    const { size } = await import('node:fs').then((fs) => fs.promises.stat(clip));
    const loops = Math.ceil((64 * 1024 * 1024) / size);
    await ffmpeg.run({
      inputs: [{ path: clip, options: ['-stream_loop', String(loops)] }],
      outputs: [{ path: big, options: ['-c', 'copy', '-map', '0'] }],
    });
    for (const item of body.items) {
      // s3rver keeps each object in a file (`<key>._S3rver_object`) and answers its size from the file:
      // one clip hard-linked under every key costs no disk and no upload
      const url = new URL((await client.job(item.id)).outputs.find((o) => o.type === 'video')!.url);
      const parts = decodeURIComponent(url.pathname).split('/').filter(Boolean);
      const object = join(stack.dataDir, 's3', ...parts.slice(0, -1), `${parts.at(-1)}._S3rver_object`);
      unlinkSync(object);
      linkSync(big, object);
    }

    // The first large stream a process serves grows its RSS once (the allocator's working set for the
    // chunks in flight, compiled code): ~30 MB quiet, more on a loaded machine. Serving it again must
    // not grow it further: that is what streaming (nothing held whole) looks like from outside.
    const pid = apiPid(stack);
    const first = await streamArchive(pid);
    const again = await streamArchive(pid);
    console.log(`archive RSS growth: first ${mb(first.growth)} MB, again ${mb(again.growth)} MB`);
    for (const served of [first, again]) {
      expect(served.received).toBeGreaterThan(500 * 1024 * 1024);
      expect(served.tail.includes(Buffer.from([0x50, 0x4b, 0x05, 0x06]))).toBe(true); // end of central directory
    }
    expect(first.growth).toBeLessThan(100 * 1024 * 1024); // a buffering server would grow by the archive, 500 MB
    expect(again.growth).toBeLessThan(50 * 1024 * 1024);
  });

  it('cancels every live item of a batch', async () => {
    const slow = { ...allergy, durationSec: 30 };
    const submitted = await client.request('POST', '/v1/batches', { items: [slow, slow] });
    expect(submitted.status).toBe(202);
    const cancelled = await client.request('POST', `/v1/batches/${submitted.body.id}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.items.map((i: { status: string }) => i.status)).toEqual(['cancelled', 'cancelled']);
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('refuses a batch with a bad item, naming it, and creates nothing', async () => {
    const { status, body } = await client.request('POST', '/v1/batches', {
      items: [allergy, { type: 'image', params: { resolution: '64x64' } }],
    });
    expect(status).toBe(400);
    expect(body.error.problems).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'items.1.prompt' })]));
  });
});
