import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { outputSpecFor, type AspectRatio } from '@app/domain';
import { type BuiltStack, KEY_A, startBuiltStack } from '../support/built-stack';
import { Client, type JobView } from '../support/http';
import { composer, download, ffmpeg } from '../support/media-checks';

const allergy = JSON.parse(
  readFileSync(resolve(__dirname, '..', '..', 'examples', 'briefs', 'allergy-30s.json'), 'utf8'),
);

interface Cue {
  start: number;
  end: number;
  text: string;
}

function parseVtt(vtt: string): Cue[] {
  expect(vtt.startsWith('WEBVTT')).toBe(true);
  const seconds = (t: string) => t.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  return vtt
    .split(/\r?\n\r?\n/)
    .map((block) => block.split(/\r?\n/))
    .filter((lines) => lines.some((l) => l.includes('-->')))
    .map((lines) => {
      const at = lines.findIndex((l) => l.includes('-->'));
      const [start, end] = lines[at].split('-->').map((t) => seconds(t.trim().split(' ')[0]));
      return { start, end, text: lines.slice(at + 1).join('\n') };
    });
}

describe('broadcast-grade composition, end to end', () => {
  let stack: BuiltStack;
  let client: Client;
  let work: string;

  beforeAll(async () => {
    stack = await startBuiltStack();
    client = new Client(stack.baseUrl, KEY_A);
    work = mkdtempSync(join(tmpdir(), 'reelsmith-compose-'));
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('delivers every format, a poster, a preview and captions from one job, each playable and marked', async () => {
    const brief = {
      ...allergy,
      aspectRatios: ['16:9', '9:16', '1:1'],
      reframe: 'blur',
      watermark: { text: 'Clarivo', position: 'top-right', opacity: 0.5 },
    };
    const { status, body } = await client.submit(brief);
    expect(status).toBe(202);
    const job = await client.waitFor(body.id, (j) => ['completed', 'failed'].includes(j.status), 300_000);
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');

    const byType = (type: string) => job.outputs.filter((o) => o.type === type);
    const videos = byType('video') as Array<JobView['outputs'][number] & { aspectRatio: AspectRatio }>;
    expect(videos.map((v) => v.aspectRatio)).toEqual(['16:9', '9:16', '1:1']);
    expect(byType('poster')).toEqual([expect.objectContaining({ contentType: 'image/jpeg' })]);
    expect(byType('preview')).toEqual([expect.objectContaining({ contentType: 'image/webp' })]);
    expect(byType('captions')).toEqual([expect.objectContaining({ contentType: 'text/vtt' })]);

    for (const video of videos) {
      const spec = outputSpecFor(video.aspectRatio);
      expect(video).toMatchObject({ contentType: 'video/mp4', width: spec.width, height: spec.height });
      const path = await download(video.url, work, `out_${video.aspectRatio.replace(':', 'x')}.mp4`);
      const probe = await ffmpeg.probe(path);
      expect(probe.video).toMatchObject({ codec: 'h264', width: spec.width, height: spec.height, pixFmt: 'yuv420p' });
      expect(probe.audio?.codec).toBe('aac');
      expect(Math.abs(probe.durationSec - 30)).toBeLessThanOrEqual(1 / 24 + 1e-6);
      expect(probe.tags).toMatchObject({ ai_generated: 'true', reelsmith_job_id: job.id });
      const loudness = await composer.measureLoudness(path);
      expect(Math.abs(loudness.integratedLufs - -14)).toBeLessThanOrEqual(1);
      expect(loudness.truePeakDb).toBeLessThanOrEqual(-1);
    }

    // An animated WebP (ffmpeg 5.1 cannot decode those): RIFF/WEBP, a VP8X header with the animation flag and its canvas.
    const preview = readFileSync(await download(byType('preview')[0].url, work, 'preview.webp'));
    expect(preview.toString('ascii', 0, 4)).toBe('RIFF');
    expect(preview.toString('ascii', 8, 16)).toBe('WEBPVP8X');
    expect(preview[20] & 0x02).toBe(0x02);
    const canvasWidth = preview.readUIntLE(24, 3) + 1;
    const canvasHeight = preview.readUIntLE(27, 3) + 1;
    expect([canvasWidth, canvasHeight]).toEqual([byType('preview')[0].width, byType('preview')[0].height]);
    expect(preview.includes(Buffer.from('ANMF'))).toBe(true);

    const cues = parseVtt(await (await fetch(byType('captions')[0].url)).text());
    expect(cues.length).toBeGreaterThan(3);
    cues.forEach((c) => expect(c.end).toBeGreaterThan(c.start));
    cues.forEach((c) => expect(c.end).toBeLessThanOrEqual(30 + 1e-6));
    const all = cues.map((c) => c.text).join('\n');
    expect(all).toContain('Ask your doctor about Clarivo.');
    for (const item of allergy.compliance.sideEffects) expect(all).toContain(item);
    // fair balance: the major statement is spoken and shown line by line, each on screen long enough to read
    const statement = cues.filter((c) => allergy.compliance.dosage.includes(c.text) || c.text.includes('Side effects'));
    expect(statement.length).toBeGreaterThan(0);
    for (const cue of statement) {
      const words = cue.text.split(/\s+/).filter(Boolean).length;
      expect(cue.end - cue.start).toBeGreaterThanOrEqual(words / 3 - 1e-6);
    }
  });

  it('normalises to the broadcast loudness target when the brief asks for it', async () => {
    const { body } = await client.submit({ ...allergy, durationSec: 10, loudness: 'broadcast', compliance: undefined });
    const job = await client.waitFor(body.id, (j) => ['completed', 'failed'].includes(j.status), 300_000);
    expect(job.status).toBe('completed');
    const video = job.outputs.find((o) => o.type === 'video')!;
    const loudness = await composer.measureLoudness(await download(video.url, work, 'broadcast.mp4'));
    expect(Math.abs(loudness.integratedLufs - -23)).toBeLessThanOrEqual(1);
    expect(loudness.truePeakDb).toBeLessThanOrEqual(-1);
  });
});
