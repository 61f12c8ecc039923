/**
 * `npm run bench`: one JSON object per line, {"name", "value", "unit"}.
 * The allergy brief end to end on the embedded stack, its split across stages, and, measured in
 * the same run, how its wall time compares with doing the same work one step after another; the
 * final cut against a single encode; and scheduling against a local provider with set latencies
 * (schedule.bench.ts); readiness under 200 concurrent calls beside liveness (health.bench.ts); the API's
 * submit p99 under a 50-client burst beside a trivial read's (api-burst.bench.ts); and the multi-process
 * soak on a Redis Cluster (test/support/soak.ts).
 *
 * `BENCH_ONLY=revision npm run bench` runs only the allergy render, its text-only revision and the
 * single encode they are compared with (`revision.text_only_ratio_to_single_encode`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_A, ROOT, startBuiltStack } from '../support/built-stack';
import { Client } from '../support/http';
import { apiBurstBench } from './api-burst.bench';
import { composeBench } from './compose.bench';
import { healthBench } from './health.bench';
import { scheduleBench } from './schedule.bench';
import { runSoak } from '../support/soak';

function emit(name: string, value: number, unit: string) {
  console.log(JSON.stringify({ name, value: Math.round(value * 1000) / 1000, unit }));
}

async function main() {
  const only = process.env.BENCH_ONLY === 'revision' ? 'revision' : null;
  const stack = await startBuiltStack();
  let revisionSec = 0;
  try {
    // first, while the stack is idle: readiness under a burst, against liveness as the baseline
    if (!only) for (const figure of await healthBench(stack.baseUrl)) emit(figure.name, figure.value, figure.unit);
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

    // A text-only revision of the same job: no scene and no soundtrack made again, one final cut.
    const revisedAt = performance.now();
    const revised = await client.request('POST', `/v1/jobs/${body.id}/revisions`, {
      scenes: [{ index: 0, onScreenText: 'Now in a bigger pack' }],
    });
    if (revised.status !== 202) throw new Error(`revision refused: ${JSON.stringify(revised.body)}`);
    await client.events(body.id, { timeoutMs: 600_000 });
    revisionSec = (performance.now() - revisedAt) / 1000;
    const after = await client.job(body.id);
    if (after.status !== 'completed') throw new Error(`revision ${after.status}`);
    emit('revision.text_only_s', revisionSec, 's');
    emit('revision.text_only_compose_s', span(after.stages.composing), 's');
  } finally {
    await stack.stop();
  }
  // Measured after the stack is down, so nothing else competes for the two cores.
  for (const figure of await composeBench()) {
    emit(figure.name, figure.value, figure.unit);
    if (figure.name === 'compose.single_encode_s' && revisionSec > 0) {
      emit('revision.text_only_ratio_to_single_encode', revisionSec / figure.value, 'ratio');
    }
  }
  if (only) return;
  for (const figure of await scheduleBench()) emit(figure.name, figure.value, figure.unit);
  for (const figure of await apiBurstBench()) emit(figure.name, figure.value, figure.unit);
  // Many processes on a Redis Cluster with a worker SIGKILLed every 20 s (the soak test's harness).
  const soak = await runSoak({ jobs: 30, tenants: 3, killEverySec: 20, deadlineSec: 600 });
  if (soak.completed !== soak.submitted) throw new Error(`soak: ${JSON.stringify(soak)}`);
  emit('soak.jobs_per_minute', soak.jobsPerMinute, 'jobs/min');
  emit('soak.p95_job_wall_s', soak.p95JobWallSec, 's');
  emit('soak.worker_restarts', soak.workerRestarts, 'count');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
