import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { briefSchema, type Storyboard } from '@app/domain';
import { TemplatePlanner } from '@app/planner';
import { FakeReplicateServer } from '@app/testing';
import { type BuiltStack, KEY_A, startBuiltStack } from '../support/built-stack';
import { Client, type JobView } from '../support/http';
import { download, ffmpeg } from '../support/media-checks';

const TOKEN = 'r8_local_test_token';
const SECRET = `whsec_${Buffer.from('reelsmith-e2e-webhook-secret').toString('base64')}`;
/** Kling bills 5 s per scene here (0.35 USD): the first render of 4 scenes costs 1.40. */
const BRIEF = {
  brief: 'A twelve-second ad for Breeze allergy relief: one continuous shot through a spring park at dawn.',
  durationSec: 12,
  aspectRatio: '16:9',
  product: { name: 'Breeze' },
  callToAction: 'Breathe easy.',
  music: { enabled: false },
  voiceover: { enabled: false },
  budgetUsd: 1.5,
  seed: 5,
};

type RevisedView = JobView & {
  revision: { number: number; status: string };
  usage: { costUsd: number };
};
interface RevisionItem {
  number: number;
  status: string;
  changes: Array<{ field: string; scene: number | null }>;
  regenerate: Array<{ index: number; reason: string }>;
  costUsd: number;
  outputs: JobView['outputs'];
}

/** ffmpeg's PSNR between the same region of two videos (Infinity when identical). */
async function psnr(a: string, b: string, region: string): Promise<number> {
  const lines: string[] = [];
  await ffmpeg.run(
    {
      inputs: [
        { path: a, options: [] },
        { path: b, options: [] },
      ],
      filterComplex: `[0:v]${region}[a];[1:v]${region}[b];[a][b]psnr`,
      outputs: [{ path: '-', options: ['-f', 'null'] }],
    },
    { onStderr: (line) => lines.push(line) },
  );
  const average = /average:(inf|[\d.]+)/.exec(lines.join('\n'))?.[1];
  if (!average) throw new Error(`no PSNR in ffmpeg's output:\n${lines.slice(-5).join('\n')}`);
  return average === 'inf' ? Infinity : Number(average);
}

/**
 * Edit after render, through HTTP, on one stack against a local Replicate server (Kling: first and
 * last frames, so the continuous shot is anchored on keyframes): each revision pays only for what
 * it changed, and every revision's outputs stay downloadable.
 */
describe('revisions of a finished job, end to end', () => {
  let replicate: FakeReplicateServer;
  let stack: BuiltStack;
  let client: Client;
  let work: string;
  let jobId: string;
  let storyboard: Storyboard;

  beforeAll(async () => {
    replicate = await FakeReplicateServer.start({
      tokens: [TOKEN],
      webhookSecret: SECRET,
      startingMs: 100,
      processingMs: 500,
    });
    stack = await startBuiltStack({
      env: {
        REPLICATE_API_TOKEN: TOKEN,
        REPLICATE_BASE_URL: replicate.url,
        REPLICATE_WEBHOOK_SECRET: SECRET,
        GPU_DEVICES: '0,1',
      },
    });
    client = new Client(stack.baseUrl, KEY_A);
    work = mkdtempSync(join(tmpdir(), 'reelsmith-revisions-'));
    // A person's storyboard: four 3 s scenes in one continuous shot.
    storyboard = await new TemplatePlanner().plan(briefSchema.parse(BRIEF));
    storyboard.scenes = storyboard.scenes.slice(0, 1).flatMap((first) =>
      [0, 1, 2, 3].map((index) => ({
        ...first,
        index,
        durationSec: 3,
        transitionIn: index === 0 ? ('cut' as const) : ('continuous' as const),
        transitionSec: undefined,
        visualPrompt: `Spring park at dawn, shot ${index + 1}: pollen drifting in warm light.`,
        onScreenText: index === 1 ? 'Fast relief' : '',
      })),
    );
    for (const scene of storyboard.scenes) if (scene.transitionSec === undefined) delete scene.transitionSec;
  });
  afterAll(async () => {
    await stack?.stop();
    await replicate?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const creates = () => replicate.requestsTo('POST', /\/predictions$/).length;
  const finished = (revision: number) => (j: JobView) =>
    ['failed', 'cancelled'].includes(j.status) ||
    (j.status === 'completed' && (j as RevisedView).revision.number === revision);
  const revise = (body: unknown) => client.request('POST', `/v1/jobs/${jobId}/revisions`, body);
  const revisions = async () =>
    (await client.request('GET', `/v1/jobs/${jobId}/revisions`)).body as { current: number; items: RevisionItem[] };

  it('renders, then a caption-only revision makes no provider call and changes only the caption', async () => {
    const submitted = await client.submit({ ...BRIEF, storyboard });
    expect(submitted.status).toBe(202);
    jobId = submitted.body.id;
    const first = (await client.waitFor(jobId, finished(0), 240_000)) as RevisedView;
    expect(first.error).toBeNull();
    expect(creates()).toBe(4);

    const accepted = await revise({ scenes: [{ index: 1, onScreenText: 'Now half price' }] });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ revision: 1, regenerate: [], estimatedCostUsd: 0 });
    const second = (await client.waitFor(jobId, finished(1), 240_000)) as RevisedView;
    expect(second).toMatchObject({ status: 'completed', revision: { number: 1, status: 'completed' } });
    expect(creates()).toBe(4);

    const { current, items } = await revisions();
    expect(current).toBe(1);
    expect(items.map((r) => [r.number, r.status])).toEqual([
      [0, 'completed'],
      [1, 'completed'],
    ]);
    expect(items[1].changes).toEqual([{ field: 'scenes[1].onScreenText', scene: 1 }]);
    expect(items[1].costUsd).toBe(0);
    // both revisions' videos are still there, each a whole ad
    const [before, after] = await Promise.all(
      items.map((r) => download(r.outputs.find((o) => o.type === 'video')!.url, work, `r${r.number}.mp4`)),
    );
    for (const path of [before, after]) {
      const probe = await ffmpeg.probe(path);
      expect(probe.video).toMatchObject({ codec: 'h264', width: 1280, height: 720 });
      expect(probe.audio?.codec).toBe('aac');
      expect(Math.abs(probe.durationSec - 12)).toBeLessThanOrEqual(0.25);
    }
    // outside the caption's box (scene text keeps to the lower third) the picture is the same...
    expect(await psnr(before, after, 'crop=w=iw:h=ih*0.6:x=0:y=0')).toBeGreaterThanOrEqual(40);
    // ...and inside it, during scene 2, the text changed
    expect(await psnr(before, after, 'trim=start=3.2:end=5.8,crop=w=iw:h=ih*0.3:x=0:y=ih*0.7')).toBeLessThan(40);
    // only the GOPs around that text were encoded again: after them, the first cut's own frames
    expect(await psnr(before, after, 'trim=start=8,setpts=PTS-STARTPTS')).toBe(Infinity);
  });

  it('makes exactly the changed anchored scene again when its prompt changes, and refuses a second revision meanwhile', async () => {
    const accepted = await revise({ scenes: [{ index: 2, visualPrompt: 'Spring park at dawn, a cyclist passes.' }] });
    expect(accepted.status).toBe(202);
    expect(accepted.body.regenerate).toEqual([{ index: 2, reason: 'changed' }]);
    // the job is running: another revision is a conflict
    const conflict = await revise({ scenes: [{ index: 0, onScreenText: 'x' }] });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('JOB.NOT_REVISABLE');
    const job = (await client.waitFor(jobId, finished(2), 240_000)) as RevisedView;
    expect(job.status).toBe('completed');
    expect(creates()).toBe(5);
  });

  it('regenerates one scene with a new seed, and nothing else', async () => {
    const accepted = await revise({ regenerate: [3] });
    expect(accepted.status).toBe(202);
    expect(accepted.body.regenerate).toEqual([{ index: 3, reason: 'changed' }]);
    const job = (await client.waitFor(jobId, finished(3), 240_000)) as RevisedView;
    expect(job.status).toBe('completed');
    expect(creates()).toBe(6);
    const { items } = await revisions();
    expect(items.at(-1)).toMatchObject({ number: 3, costUsd: 0.35 });
  });

  it('refuses a revision whose own generation would cost more than the budget, before any call', async () => {
    // every scene made again, the last one long enough to need Kling's 10 s clip: 3 x 0.35 + 0.70 > 1.50
    const longer = structuredClone(storyboard);
    longer.scenes.forEach((s, i) => {
      s.visualPrompt = `A city street at noon, shot ${i + 1}.`;
      s.durationSec = i === 3 ? 6 : 2;
    });
    const refused = await revise({ storyboard: longer });
    expect(refused.body).toMatchObject({ error: { code: 'BUDGET.EXCEEDED' } });
    expect(refused.status).toBe(402);
    expect(creates()).toBe(6);
    const job = (await client.job(jobId)) as RevisedView;
    expect(job).toMatchObject({ status: 'completed', revision: { number: 3 } });

    // a revision that breaks the storyboard rules is a 400 listing the problem; nothing starts
    const invalid = await revise({ scenes: [{ index: 0, durationSec: 9 }] });
    expect(invalid.status).toBe(400);
    expect((await revisions()).items).toHaveLength(4);
  });
});
