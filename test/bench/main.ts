/**
 * `npm run bench`: one JSON object per line, {"name", "value", "unit"}.
 * The allergy brief end to end on the embedded stack, its split across stages, and, measured in
 * the same run, how its wall time compares with doing the same work one step after another; the
 * final cut against a single encode; and scheduling against a local provider with set latencies
 * (schedule.bench.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_A, ROOT, startBuiltStack } from '../support/built-stack';
import { Client } from '../support/http';
import { composeBench } from './compose.bench';
import { scheduleBench } from './schedule.bench';

function emit(name: string, value: number, unit: string) {
  console.log(JSON.stringify({ name, value: Math.round(value * 1000) / 1000, unit }));
}

async function main() {
  const stack = await startBuiltStack();
  try {
    const client = new Client(stack.baseUrl, KEY_A);
    const brief = JSON.parse(readFileSync(join(ROOT, 'examples', 'briefs', 'allergy-30s.json'), 'utf8'));
    const started = performance.now();
    const { body } = await client.submit(brief);
    const stream = await client.events(body.id, { timeoutMs: 600_000 });
    const wallSec = (performance.now() - started) / 1000;
    const job = await client.job(body.id);
    if (job.status !== 'completed' || stream.status !== 200) throw new Error(`allergy job ${job.status}`);

    emit('e2e.allergy_wall_s', wallSec, 's');
    const span = (s?: { startedAt: string | null; finishedAt: string | null } | null) =>
      s?.startedAt && s.finishedAt ? (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000 : 0;
    for (const stage of ['planning', 'generating', 'composing'])
      emit(`e2e.allergy_stage_s.${stage}`, span(job.stages[stage]), 's');
    const queued = (Date.parse(job.stages.planning?.startedAt ?? job.createdAt) - Date.parse(job.createdAt)) / 1000;
    emit('e2e.allergy_stage_s.queued', queued, 's');
    const sceneSum = job.scenes.reduce((sum, s) => sum + span(s), 0);
    emit('e2e.allergy_scene_work_s', sceneSum, 's');
    // Baseline: the same steps run one after another (plan, every scene, compose), from this run's own timings.
    const sequential = span(job.stages.planning) + sceneSum + span(job.stages.composing);
    emit('e2e.allergy_ratio_to_sequential', wallSec / sequential, 'ratio');
  } finally {
    await stack.stop();
  }
  // Measured after the stack is down, so nothing else competes for the two cores.
  for (const figure of await composeBench()) emit(figure.name, figure.value, figure.unit);
  for (const figure of await scheduleBench()) emit(figure.name, figure.value, figure.unit);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
