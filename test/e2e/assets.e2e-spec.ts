import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pngText } from '@app/media';
import { type BuiltStack, KEY_A, KEY_B, startBuiltStack } from '../support/built-stack';
import { Client, jobsOf } from '../support/http';
import { download, ffmpeg } from '../support/media-checks';

/** Frames, rate and size of a clip or GIF, counted by decoding. */
async function framesOf(path: string) {
  const probe = await ffmpeg.probe(path);
  let frames = 0;
  await ffmpeg.run(
    { inputs: [{ path, options: [] }], outputs: [{ path: '-', options: ['-map', '0:v:0', '-f', 'null'] }] },
    { onStderr: (line) => (frames = Number(/frame=\s*(\d+)/.exec(line)?.[1] ?? frames)) },
  );
  return { frames, fps: probe.video!.fps, width: probe.video!.width, height: probe.video!.height, tags: probe.tags };
}

/** PSNR (dB) of two images over the rectangle x,y,w,h only. */
async function psnrOver(a: string, b: string, r: { x: number; y: number; w: number; h: number }): Promise<number> {
  const lines: string[] = [];
  const crop = `crop=${r.w}:${r.h}:${r.x}:${r.y},format=rgb24`;
  await ffmpeg.run(
    {
      inputs: [
        { path: a, options: [] },
        { path: b, options: [] },
      ],
      filterComplex: `[0:v]${crop}[a];[1:v]${crop}[b];[a][b]psnr`,
      outputs: [{ path: '-', options: ['-f', 'null'] }],
    },
    { onStderr: (line) => lines.push(line) },
  );
  const average = /average:(inf|[\d.]+)/.exec(lines.join('\n'))![1];
  return average === 'inf' ? Infinity : Number(average);
}

describe('single assets over HTTP (embedded defaults)', () => {
  let stack: BuiltStack;
  let client: Client;
  let dir: string;
  let source: string;
  let sourceB64: string;

  beforeAll(async () => {
    stack = await startBuiltStack();
    client = new Client(stack.baseUrl, KEY_A);
    dir = mkdtempSync(join(tmpdir(), 'assets-e2e-'));
    source = join(dir, 'source.png');
    await ffmpeg.run({
      inputs: [{ path: 'testsrc2=size=320x240', options: ['-f', 'lavfi'] }],
      outputs: [{ path: source, options: ['-frames:v', '1', '-pix_fmt', 'rgb24', '-update', '1'] }],
    });
    sourceB64 = readFileSync(source).toString('base64');
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const generate = (type: string, body: unknown, wait = 60) =>
    client.request('POST', `/v1/generate/${type}?wait=${wait}`, body);

  it('makes a text-to-image PNG of the requested size, marked as AI-generated, and answers 200 with ?wait', async () => {
    const { status, body } = await generate('image', {
      prompt: 'a sunlit kitchen with a glass of water',
      params: { resolution: '384x256', seed: 7 },
      watermark: true,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'asset', status: 'completed', type: 'image', mode: 'text' });
    const [output] = body.outputs;
    expect(output).toMatchObject({ type: 'image', contentType: 'image/png', width: 384, height: 256 });
    expect(output.metadata).toMatchObject({ model: 'animatic-frame', seed: 7 });
    expect(output.metadata.promptSha256).toMatch(/^[0-9a-f]{64}$/);
    const png = await download(output.url, dir, 'text.png');
    expect(await ffmpeg.probe(png)).toMatchObject({ video: { width: 384, height: 256 } });
    expect(pngText(readFileSync(png))).toMatchObject({ ai_generated: 'true' });
  });

  it('answers image-to-image, outpaint and upscale at their sizes (upscale doubles), base64 when asked', async () => {
    const blend = await generate('image', {
      prompt: 'warmer, golden hour',
      mode: 'image',
      image: sourceB64,
      params: { resolution: '256x256' },
      return_format: 'base64',
    });
    expect(blend.status).toBe(200);
    expect(blend.body.outputs[0]).toMatchObject({ width: 256, height: 256 });
    const inline = join(dir, 'blend.png');
    writeFileSync(inline, Buffer.from(blend.body.outputs[0].data, 'base64'));
    expect(await ffmpeg.probe(inline)).toMatchObject({ video: { width: 256, height: 256 } });

    const outpaint = await generate('image', {
      prompt: 'more of the room',
      mode: 'outpaint',
      image: sourceB64,
      params: { resolution: '480x320' },
    });
    expect(outpaint.status).toBe(200);
    expect(outpaint.body.outputs[0]).toMatchObject({ width: 480, height: 320 });

    // upscale takes an earlier output by id
    const upscale = await generate('image', { mode: 'upscale', image: { output_id: outpaint.body.id } });
    expect(upscale.status).toBe(200);
    expect(upscale.body.outputs[0]).toMatchObject({ width: 960, height: 640 });
    const big = await download(upscale.body.outputs[0].url, dir, 'up.png');
    expect(await ffmpeg.probe(big)).toMatchObject({ video: { width: 960, height: 640 } });
  });

  it('inpaints only the masked area: PSNR outside the mask is at least 40 dB, inside it the picture changed', async () => {
    const mask = join(dir, 'mask.png');
    await ffmpeg.run({
      inputs: [{ path: 'color=black:size=320x240', options: ['-f', 'lavfi'] }],
      outputs: [
        {
          path: mask,
          options: ['-vf', 'drawbox=x=100:y=80:w=120:h=80:color=white:t=fill', '-frames:v', '1', '-update', '1'],
        },
      ],
    });
    const { status, body } = await generate('image', {
      prompt: 'remove the object',
      mode: 'inpaint',
      image: sourceB64,
      mask: readFileSync(mask).toString('base64'),
      params: { resolution: '320x240' },
    });
    expect(status).toBe(200);
    const out = await download(body.outputs[0].url, dir, 'inpaint.png');
    expect(await ffmpeg.probe(out)).toMatchObject({ video: { width: 320, height: 240 } });
    for (const outside of [
      { x: 0, y: 0, w: 320, h: 80 },
      { x: 0, y: 160, w: 320, h: 80 },
      { x: 0, y: 80, w: 100, h: 80 },
      { x: 220, y: 80, w: 100, h: 80 },
    ])
      expect(await psnrOver(source, out, outside)).toBeGreaterThanOrEqual(40);
    expect(await psnrOver(source, out, { x: 100, y: 80, w: 120, h: 80 })).toBeLessThan(30);
  });

  it('makes a clip of the requested frames and fps, with its events on the job stream and in history', async () => {
    const submitted = await client.request('POST', '/v1/generate/video', {
      prompt: 'a slow push towards a pill bottle on a table',
      params: { resolution: '320x180', frames: 30, fps: 15 },
    });
    expect(submitted.status).toBe(202);
    const { events } = await client.events(submitted.body.id);
    const views = jobsOf(events);
    expect(views.at(-1)).toMatchObject({ status: 'completed', kind: 'asset' });
    const { body } = await client.request('GET', `/v1/generate/${submitted.body.id}`);
    expect(body.outputs[0]).toMatchObject({
      type: 'video',
      contentType: 'video/mp4',
      width: 320,
      height: 180,
      durationSec: 2,
    });
    const clip = await download(body.outputs[0].url, dir, 'clip.mp4');
    expect(await framesOf(clip)).toMatchObject({
      frames: 30,
      fps: 15,
      width: 320,
      height: 180,
      tags: { ai_generated: 'true' },
    });

    const history = await client.request('GET', '/v1/jobs?limit=50');
    expect(history.body.items.find((j: { id: string }) => j.id === body.id)).toMatchObject({
      kind: 'asset',
      asset: { type: 'video', mode: 'text' },
    });
    // another tenant sees nothing of it
    const other = new Client(stack.baseUrl, KEY_B);
    expect((await other.request('GET', `/v1/generate/${body.id}`)).status).toBe(404);
    expect((await other.request('GET', `/v1/jobs/${body.id}`)).status).toBe(404);
  });

  it('makes a looping GIF89a of the requested frames under its size cap, from a prompt and from a clip', async () => {
    const cap = 400_000;
    const text = await generate('gif', {
      prompt: 'a bouncing sneaker',
      params: { resolution: '240x160', frames: 12, fps: 8, max_bytes: cap },
    });
    expect(text.status).toBe(200);
    const gif = await download(text.body.outputs[0].url, dir, 'text.gif');
    const bytes = readFileSync(gif);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(bytes.includes(Buffer.from('NETSCAPE2.0'))).toBe(true);
    expect(statSync(gif).size).toBeLessThanOrEqual(cap);
    expect((await framesOf(gif)).frames).toBe(12);

    const clip = await generate('video', {
      prompt: 'waves on a beach',
      params: { resolution: '320x180', frames: 24, fps: 12 },
    });
    const fromClip = await generate('gif', {
      mode: 'video',
      video: { output_id: clip.body.id },
      params: { resolution: '160x90', frames: 10, fps: 5, max_bytes: cap },
    });
    expect(fromClip.status).toBe(200);
    const gif2 = await download(fromClip.body.outputs[0].url, dir, 'clip.gif');
    expect((await framesOf(gif2)).frames).toBe(10);
    expect(statSync(gif2).size).toBeLessThanOrEqual(cap);
  });

  it('refuses a request over the profile limits with 400 naming the limit, and a blocked prompt with 422', async () => {
    const big = await client.request('POST', '/v1/generate/image', {
      prompt: 'a poster',
      params: { resolution: '4096x4096' },
    });
    expect(big.status).toBe(400);
    expect(big.body.error).toMatchObject({
      code: 'PROVIDER.LIMIT_EXCEEDED',
      limit: 'maxWidth',
      profile: 'image_default',
    });
    expect(big.body.error.message).toMatch(/maxWidth/);

    const long = await client.request('POST', '/v1/generate/video', { prompt: 'a clip', params: { frames: 5000 } });
    expect(long.status).toBe(400);
    expect(long.body.error).toMatchObject({ code: 'PROVIDER.LIMIT_EXCEEDED', limit: 'maxFrames' });

    const blocked = await client.request('POST', '/v1/generate/image', { prompt: 'a gory torture scene' });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error.code).toBe('SAFETY.BLOCKED');
  });
});
