import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuiltStack, KEY_A, KEY_B, startBuiltStack } from '../support/built-stack';
import { Client } from '../support/http';

const PRICE_PER_SECOND = 0.05;
const SHORT = { brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough.', durationSec: 6 };

/** The routes the studio added (archive, estimate, status filter) and how the API serves the studio itself. */
describe('studio routes', () => {
  let stack: BuiltStack;
  let dir: string;
  let a: Client;
  let b: Client;
  let completedId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'studio-routes-'));
    const models = join(dir, 'models.json');
    writeFileSync(
      models,
      JSON.stringify({
        profiles: {
          video_default: {
            kind: 'video',
            provider: 'embedded',
            model: 'animatic',
            fps: 24,
            acceptsFirstFrame: true,
            price: { perSecondUsd: PRICE_PER_SECOND },
          },
        },
      }),
    );
    stack = await startBuiltStack({ env: { MODELS_FILE: models } });
    a = new Client(stack.baseUrl, KEY_A);
    b = new Client(stack.baseUrl, KEY_B);
    const submitted = await a.submit({ ...SHORT, aspectRatios: ['16:9', '9:16'] });
    expect(submitted.status).toBe(202);
    completedId = submitted.body.id;
    await a.waitFor(completedId, (j) => j.status === 'completed');
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function archive(client: Client, id: string) {
    const response = await fetch(`${stack.baseUrl}/v1/jobs/${id}/archive`, {
      headers: client.apiKey ? { 'x-api-key': client.apiKey } : {},
    });
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  it('streams every output of a completed job as one ZIP, media stored as is', async () => {
    const { response, bytes } = await archive(a, completedId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="reelsmith-${completedId}.zip"`);
    const path = join(dir, 'job.zip');
    writeFileSync(path, bytes);
    expect(execFileSync('unzip', ['-t', path]).toString()).toContain('No errors detected');
    const listing = execFileSync('unzip', ['-v', path]).toString();
    const names = execFileSync('unzip', ['-Z1', path]).toString().trim().split('\n').sort();
    expect(names).toEqual(['captions.vtt', 'poster.jpg', 'preview.webp', 'video-16x9.mp4', 'video-9x16.mp4']);
    expect(listing).toMatch(/Stored.*video-16x9\.mp4/);
    expect(listing).toMatch(/Defl:N.*captions\.vtt/);
    // Each entry is the output the job view links to, byte for byte.
    const job = await a.job(completedId);
    for (const output of job.outputs) {
      const original = Buffer.from(await (await fetch(output.url)).arrayBuffer());
      expect(execFileSync('unzip', ['-p', path, output.fileName!]).equals(original)).toBe(true);
    }
  });

  it('answers 404 for another tenant’s job and 401 without a key', async () => {
    const other = await archive(b, completedId);
    expect(other.response.status).toBe(404);
    expect(JSON.parse(other.bytes.toString()).error.code).toBe('JOB.NOT_FOUND');
    expect((await archive(new Client(stack.baseUrl, null), completedId)).response.status).toBe(401);
  });

  it('answers 409 JOB.NOT_COMPLETED for a job still running, and for a failed one', async () => {
    const running = await a.submit({ ...SHORT, durationSec: 20 });
    const early = await archive(a, running.body.id);
    expect(early.response.status).toBe(409);
    expect(JSON.parse(early.bytes.toString()).error).toMatchObject({
      code: 'JOB.NOT_COMPLETED',
      message: expect.stringMatching(/once it has completed/),
    });
    await a.request('POST', `/v1/jobs/${running.body.id}/cancel`);

    const overBudget = await a.submit({ ...SHORT, budgetUsd: 0.01 });
    const failed = await a.waitFor(overBudget.body.id, (j) => j.status === 'failed');
    expect(failed.error?.code).toBe('BUDGET.EXCEEDED');
    expect((await archive(a, overBudget.body.id)).response.status).toBe(409);
  });

  it('gives each output a URL that downloads it under its file name', async () => {
    const job = (await a.job(completedId)) as unknown as {
      outputs: Array<{ type: string; aspectRatio: string | null; fileName: string; downloadUrl: string }>;
    };
    const poster = job.outputs.find((o) => o.type === 'poster')!;
    expect(poster.fileName).toBe('poster.jpg');
    const response = await fetch(poster.downloadUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${completedId}-poster.jpg"`);
    expect(job.outputs.filter((o) => o.type === 'video').map((o) => o.fileName)).toEqual([
      'video-16x9.mp4',
      'video-9x16.mp4',
    ]);
  });

  it('estimates an edited storyboard at the registry’s prices and lists the rules it breaks', async () => {
    const planned = await a.request('POST', '/v1/storyboards', SHORT);
    expect(planned.status).toBe(200);
    const storyboard = planned.body.storyboard;
    const ok = await a.request('POST', '/v1/storyboards/estimate', { ...SHORT, storyboard });
    expect(ok.status).toBe(200);
    const scenes = ok.body.items.filter((i: { part: string }) => i.part === 'scene');
    expect(scenes).toHaveLength(storyboard.scenes.length);
    for (const item of scenes) {
      expect(item).toMatchObject({ profile: 'video_default', model: 'animatic' });
      expect(item.costUsd).toBeCloseTo(item.seconds * PRICE_PER_SECOND, 6);
    }
    // Every second the clips run costs, blend overlaps included; music is free here.
    const seconds = scenes.reduce((s: number, i: { seconds: number }) => s + i.seconds, 0);
    expect(seconds).toBeGreaterThanOrEqual(SHORT.durationSec);
    expect(ok.body.costUsd).toBeCloseTo(seconds * PRICE_PER_SECOND, 6);
    expect(ok.body).toMatchObject({ budgetUsd: null, withinBudget: true, durationSec: 6, problems: [] });

    const tight = await a.request('POST', '/v1/storyboards/estimate', { ...SHORT, budgetUsd: 0.01, storyboard });
    expect(tight.body).toMatchObject({ budgetUsd: 0.01, withinBudget: false });

    const edited = structuredClone(storyboard);
    edited.scenes[0].durationSec += 1;
    edited.scenes[1].transitionIn = 'crossfade';
    edited.scenes[1].transitionSec = 1.5;
    const broken = await a.request('POST', '/v1/storyboards/estimate', { ...SHORT, storyboard: edited });
    expect(broken.status).toBe(200);
    const fields = broken.body.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['storyboard.scenes', 'storyboard.scenes.1.transitionSec']));
    // The same storyboard is refused by a render with the same problems.
    const render = await a.submit({ ...SHORT, storyboard: edited });
    expect(render.status).toBe(400);
    expect(render.body.error.problems).toEqual(broken.body.problems);

    const malformed = await a.request('POST', '/v1/storyboards/estimate', { ...SHORT });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.problems).toEqual([{ field: 'storyboard', reason: expect.any(String) }]);
    expect((await a.request('POST', '/v1/storyboards/estimate', { brief: 'x', storyboard })).status).toBe(400);
  });

  it('lists a tenant’s jobs by status, and refuses an unknown status', async () => {
    const completed = await a.request('GET', '/v1/jobs?status=completed&limit=10');
    expect(completed.status).toBe(200);
    expect(completed.body.items.map((j: { id: string }) => j.id)).toContain(completedId);
    expect(completed.body.items.every((j: { status: string }) => j.status === 'completed')).toBe(true);
    const failed = await a.request('GET', '/v1/jobs?status=failed');
    expect(failed.body.items.length).toBeGreaterThanOrEqual(1);
    expect(failed.body.items.every((j: { status: string }) => j.status === 'failed')).toBe(true);
    expect((await b.request('GET', '/v1/jobs?status=completed')).body.items).toEqual([]);
    const bad = await a.request('GET', '/v1/jobs?status=done&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.problems.map((p: { field: string }) => p.field).sort()).toEqual(['limit', 'status']);
  });

  it('serves the studio at / and its client routes, with a CSP that allows no inline script', async () => {
    for (const path of ['/', '/new', '/library', `/jobs/${completedId}`]) {
      const response = await fetch(`${stack.baseUrl}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      const html = await response.text();
      expect(html).toContain('<div id="app"></div>');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toContain('unsafe-inline');
      // Presigned media comes from the storage endpoint (s3rver on its own port here).
      const job = await a.job(completedId);
      expect(csp).toContain(`media-src 'self' blob: ${new URL(job.outputs[0].url).origin}`);
    }
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(stack.baseUrl)).text())![1];
    const js = await fetch(`${stack.baseUrl}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    // Security headers on API answers too, and unknown API paths stay JSON errors.
    const api = await fetch(`${stack.baseUrl}/v1/nothing-here`, { headers: { 'x-api-key': KEY_A } });
    expect(api.status).toBe(404);
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('REQUEST.ROUTE_NOT_FOUND');
  });
});
