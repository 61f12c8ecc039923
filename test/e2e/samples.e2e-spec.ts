import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildChains, outputSpecFor, type AspectRatio } from '@app/domain';
import { type BuiltStack, KEY_A, startBuiltStack } from '../support/built-stack';
import { Client, jobsOf, type JobView } from '../support/http';
import { composer, download, ffmpeg, firstFrame } from '../support/media-checks';

const SAMPLES = ['allergy-30s', 'sneaker-15s-vertical', 'minimal'];
const brief = (name: string) =>
  JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'examples', 'briefs', `${name}.json`), 'utf8')) as {
    durationSec: number;
    aspectRatio?: AspectRatio;
  };

describe('sample briefs, end to end through HTTP', () => {
  let stack: BuiltStack;
  let client: Client;
  let work: string;

  beforeAll(async () => {
    stack = await startBuiltStack();
    client = new Client(stack.baseUrl, KEY_A);
    work = mkdtempSync(join(tmpdir(), 'reelsmith-samples-'));
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it.each(SAMPLES)('renders %s into a playable MP4, streaming progress until completed', async (name) => {
    const input = brief(name);
    const submitted = await client.submit(input);
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    expect(submitted.headers.get('location')).toBe(`/v1/jobs/${id}`);
    expect(submitted.body.links).toEqual({ self: `/v1/jobs/${id}`, events: `/v1/jobs/${id}/events` });

    // SSE: job events in version order, progress never going back, the stream closing after `completed`.
    const stream = await client.events(id);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const views = jobsOf(stream.events);
    const ids = stream.events.filter((e) => e.event === 'job').map((e) => Number(e.id));
    expect(ids).toEqual(views.map((v) => v.version));
    ids.slice(1).forEach((v, i) => expect(v).toBeGreaterThan(ids[i]));
    views.slice(1).forEach((v, i) => expect(v.progress).toBeGreaterThanOrEqual(views[i].progress));
    // Statuses only move forward. Planning on the template takes milliseconds, so a snapshot may skip it.
    const order = ['queued', 'planning', 'generating', 'composing', 'completed'];
    const ranks = views.map((v) => order.indexOf(v.status));
    ranks.slice(1).forEach((r, i) => expect(r).toBeGreaterThanOrEqual(ranks[i]));
    expect(views.map((v) => v.status)).toEqual(expect.arrayContaining(['generating', 'composing', 'completed']));
    const final = views[views.length - 1];
    expect(final.status).toBe('completed');
    expect(final.progress).toBe(100);
    expect(final.error).toBeNull();

    // The final MP4: H.264 + AAC, the aspect ratio's resolution, the brief's duration.
    const spec = outputSpecFor(input.aspectRatio ?? '16:9');
    const video = final.outputs.find((o) => o.type === 'video')!;
    expect(video).toMatchObject({ contentType: 'video/mp4', width: spec.width, height: spec.height });
    expect(final.outputs.find((o) => o.type === 'poster')).toMatchObject({ contentType: 'image/jpeg' });
    const dir = mkdtempSync(join(work, `${name}-`));
    const mp4 = await download(video.url, dir, 'output.mp4');
    const probe = await ffmpeg.probe(mp4);
    expect(probe.video).toMatchObject({ codec: 'h264', width: spec.width, height: spec.height, pixFmt: 'yuv420p' });
    expect(probe.audio?.codec).toBe('aac');
    expect(Math.abs(probe.durationSec - input.durationSec)).toBeLessThanOrEqual(0.25);
    const poster = await ffmpeg.probe(
      await download(final.outputs.find((o) => o.type === 'poster')!.url, dir, 'poster.jpg'),
    );
    expect(poster.video).toMatchObject({ width: spec.width, height: spec.height });

    // Every scene completed with a presigned clip; chained scenes start on their seed's last frame.
    expect(final.scenes.reduce((sum, s) => sum + s.durationSec, 0)).toBe(input.durationSec);
    for (const scene of final.scenes) {
      expect(scene).toMatchObject({ status: 'completed', progress: 100 });
      expect(scene.clipUrl).toMatch(/^http/);
      expect(Date.parse(scene.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(scene.startedAt!));
      if (scene.seededFrom === null) continue;
      const previous = final.scenes[scene.seededFrom];
      const prevClip = await download(previous.clipUrl!, dir, `scene_${previous.index}.mp4`);
      const clip = await download(scene.clipUrl!, dir, `scene_${scene.index}.mp4`);
      const last = join(dir, `scene_${previous.index}_last.png`);
      await composer.lastFrame(prevClip, last);
      const first = await firstFrame(clip, join(dir, `scene_${scene.index}_first.png`));
      expect(await ffmpeg.framePsnr(last, first)).toBeGreaterThanOrEqual(35);
      expect(Date.parse(scene.startedAt!)).toBeGreaterThanOrEqual(Date.parse(previous.finishedAt!));
      // the embedded path is chained, and the in-process continuity model scored the boundary
      const checked = scene as typeof scene & { strategy?: string; continuity?: { start: number; passed: boolean } };
      expect(checked.strategy).toBe('chained');
      expect(checked.continuity).toMatchObject({ passed: true, rejected: null });
      expect(checked.continuity!.start).toBeGreaterThan(0.9);
    }
    assertChainsOverlap(final);
  });

  it('lists the tenant’s jobs newest first', async () => {
    const { status, body } = await client.request('GET', '/v1/jobs?limit=2');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(2);
    expect(body.items.map((j: JobView) => j.brief.durationSec)).toEqual([6, 15]);
    const next = await client.request('GET', `/v1/jobs?limit=2&cursor=${encodeURIComponent(body.nextCursor)}`);
    expect(next.body.items.map((j: JobView) => j.brief.durationSec)).toEqual([30]);
    expect(next.body.nextCursor).toBeNull();
  });
});

/** With two or more chains, scenes of different chains ran at overlapping times. */
function assertChainsOverlap(job: JobView) {
  const chains = new Set(job.scenes.map((s) => s.chain));
  if (chains.size < 2) return;
  const span = (s: JobView['scenes'][number]) => [Date.parse(s.startedAt!), Date.parse(s.finishedAt!)] as const;
  const overlapping = job.scenes.some((a) =>
    job.scenes.some((b) => a.chain !== b.chain && span(a)[0] < span(b)[1] && span(b)[0] < span(a)[1]),
  );
  expect(overlapping).toBe(true);
  expect(
    buildChains(job.scenes.map((s) => ({ transitionIn: s.seededFrom === null ? 'cut' : 'continuous' }))),
  ).toHaveLength(chains.size);
}
