/**
 * Scheduling against a local provider with set latencies: an 8-scene ad in two continuity chains
 * of four, with music, on 8 GPU slots, rendered by the local Replicate server speaking Kling's
 * contract (first and last frames, a fixed generation latency). Run twice in one go:
 * - anchored: Kling takes first and last frames, so the boundary keyframes are made first and all
 *   eight scenes run at once;
 * - chained: the same model declared first-frame-only, so each chain runs scene after scene.
 * For each: wall time over the critical-path lower bound (the longest path through the job's
 * dependency graph, every step at its own measured duration, and no less than the slot capacity
 * allows), over fully sequential generation, and how busy the slots were while scenes were pending.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { criticalPathSec, scheduleOfRow, type StoryboardScene } from '@app/domain';
import { KLING_PROFILE } from '@app/generation';
import { FakeReplicateServer } from '@app/testing';
import { KEY_A, KEY_ADMIN, startBuiltStack } from '../support/built-stack';
import { Client, type JobView } from '../support/http';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

const TOKEN = 'r8_bench_token';
const SLOTS = 8;
const LATENCY_MS = 4_000;
const SCENE_SEC = 3;

/** Kling as the registry knows it, allowed one job per slot at a time. */
const KLING = { ...KLING_PROFILE, concurrency: SLOTS, requestsPerSecond: 50 };

const BRIEF = {
  brief: '24-second spot for the Lumen desk lamp: two slow continuous shots of a study at dusk and at dawn.',
  durationSec: 8 * SCENE_SEC,
  aspectRatio: '16:9',
  product: { name: 'Lumen' },
  tone: 'calm',
  callToAction: 'Light what matters.',
  seed: 7,
};

type Span = { startedAt?: string | null; finishedAt?: string | null } | null | undefined;
const span = (s: Span) =>
  s?.startedAt && s.finishedAt ? (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000 : 0;

type BenchView = Omit<JobView, 'scenes' | 'music' | 'stages'> & {
  keyframes: (Span & { count: number }) | null;
  music: JobView['music'] & Span;
  stages: Record<string, Span>;
  scenes: Array<JobView['scenes'][number] & { strategy?: 'chained' | 'anchored'; profile?: string }>;
};

interface SlotReport {
  busyMs: number;
}

async function slotBusyMs(client: Client): Promise<number> {
  const { body } = await new Client(client.baseUrl, KEY_ADMIN).request('GET', '/v1/health');
  const workers = (body.workers ?? []) as Array<{ slots: SlotReport[] }>;
  return workers.flatMap((w) => w.slots).reduce((sum, s) => sum + s.busyMs, 0);
}

/** The planner's storyboard, reshaped into two chains of four 3 s scenes (a cut opens each). */
async function eightSceneStoryboard(client: Client) {
  const { status, body } = await client.request('POST', '/v1/storyboards', BRIEF);
  if (status !== 200 && status !== 201) throw new Error(`storyboard: ${status} ${JSON.stringify(body)}`);
  const planned = body.storyboard ?? body;
  const scenes: StoryboardScene[] = Array.from({ length: 8 }, (_, i) => {
    const { narration: _narration, transitionSec: _blend, ...base } = planned.scenes[i % planned.scenes.length];
    return { ...base, index: i, durationSec: SCENE_SEC, transitionIn: i % 4 === 0 ? 'cut' : 'continuous' };
  });
  return { ...planned, scenes, endCard: { ...planned.endCard, durationSec: Math.min(planned.endCard.durationSec, 2) } };
}

async function runJob(client: Client, body: unknown) {
  const busyBefore = await slotBusyMs(client);
  const started = performance.now();
  const submitted = await client.submit(body);
  if (submitted.status !== 202) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  await client.events(submitted.body.id, { timeoutMs: 600_000 });
  const wallSec = (performance.now() - started) / 1000;
  const job = (await client.job(submitted.body.id)) as BenchView;
  if (job.status !== 'completed') throw new Error(`bench job ${job.status}: ${JSON.stringify(job.error)}`);
  // Workers publish their slots every 5 s: wait for a report that covers the whole job.
  await new Promise((r) => setTimeout(r, 5_500));
  const busySec = ((await slotBusyMs(client)) - busyBefore) / 1000;
  return { job, wallSec, busySec };
}

function figures(prefix: string, run: Awaited<ReturnType<typeof runJob>>, scenes: StoryboardScene[]): Figure[] {
  const { job, wallSec, busySec } = run;
  const schedule = scheduleOfRow(scenes, job.scenes, 'video_default');
  const t = {
    plan: span(job.stages.planning),
    keyframe: span(job.keyframes),
    scene: (i: number) => span(job.scenes[i]),
    music: span(job.music),
    compose: span(job.stages.composing),
  };
  const sceneWork = job.scenes.reduce((sum, s) => sum + span(s), 0);
  // No schedule beats its longest dependency path, nor runs more work at once than it has slots.
  const lowerBound = Math.max(criticalPathSec(schedule, t), t.plan + t.keyframe + sceneWork / SLOTS + t.compose);
  const sequential = t.plan + t.keyframe + sceneWork + t.music + t.compose;
  const pendingFrom = Date.parse(job.stages.generating?.startedAt ?? job.createdAt);
  const pendingTo = Math.max(...job.scenes.map((s) => Date.parse(s.finishedAt!)));
  const pendingSec = (pendingTo - pendingFrom) / 1000;
  const strategies = [...new Set(job.scenes.map((s) => s.strategy))].join('+');
  return [
    { name: `schedule.${prefix}.wall_s`, value: wallSec, unit: 's' },
    { name: `schedule.${prefix}.critical_path_s`, value: lowerBound, unit: 's' },
    { name: `schedule.${prefix}.ratio_to_critical_path`, value: wallSec / lowerBound, unit: 'ratio' },
    { name: `schedule.${prefix}.ratio_to_sequential`, value: wallSec / sequential, unit: 'ratio' },
    { name: `schedule.${prefix}.slot_utilisation`, value: busySec / (SLOTS * pendingSec), unit: 'ratio' },
    { name: `schedule.${prefix}.strategy.${strategies}`, value: job.scenes.length, unit: 'scenes' },
  ];
}

export async function scheduleBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'reelsmith-bench-'));
  const modelsFile = join(dir, 'models.json');
  writeFileSync(
    modelsFile,
    JSON.stringify({
      profiles: { video_default: KLING, video_chained: { ...KLING, acceptsLastFrame: false } },
    }),
  );
  const replicate = await FakeReplicateServer.start({ tokens: [TOKEN], startingMs: 100, processingMs: LATENCY_MS });
  const stack = await startBuiltStack({
    env: {
      REPLICATE_API_TOKEN: TOKEN,
      REPLICATE_BASE_URL: replicate.url,
      MODELS_FILE: modelsFile,
      GPU_DEVICES: Array.from({ length: SLOTS }, (_, i) => i).join(','),
    },
  });
  try {
    const client = new Client(stack.baseUrl, KEY_A);
    const storyboard = await eightSceneStoryboard(client);
    const anchored = await runJob(client, { ...BRIEF, storyboard });
    const chained = await runJob(client, { ...BRIEF, videoProfile: 'video_chained', storyboard });
    const a = figures('anchored', anchored, storyboard.scenes);
    const c = figures('chained', chained, storyboard.scenes);
    const headline = (name: string) => a.find((f) => f.name === `schedule.anchored.${name}`)!.value;
    return [
      // the schedule Reelsmith picks for this model (anchored), headline figures
      { name: 'schedule.ratio_to_critical_path', value: headline('ratio_to_critical_path'), unit: 'ratio' },
      { name: 'schedule.ratio_to_sequential', value: headline('ratio_to_sequential'), unit: 'ratio' },
      { name: 'schedule.slot_utilisation', value: headline('slot_utilisation'), unit: 'ratio' },
      { name: 'schedule.anchored_wall_over_chained_wall', value: anchored.wallSec / chained.wallSec, unit: 'ratio' },
      ...a,
      ...c,
    ];
  } finally {
    await stack.stop();
    await replicate.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
