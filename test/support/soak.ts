import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoClient, ensureJobsTable } from '@app/persistence';
import { createS3Client, ensureBucket } from '@app/storage';
import { FakeVllmOmniServer, startRedisCluster } from '@app/testing';
import { freePort, startEmbeddedDynamo, startEmbeddedS3 } from '@stack/embedded';
import { readSse } from '../../apps/stack/src/sse-client';
import { ROOT } from './built-stack';

import { startRoundRobinProxy } from './round-robin.proxy';

const WAN = 'Wan-AI/Wan2.2-TI2V-5B-Diffusers';
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export interface SoakOptions {
  jobs: number;
  tenants: number;
  /** a worker process is SIGKILLed this often, round robin over the three, and started again */
  killEverySec: number;
  /** the whole soak gives up after this long */
  deadlineSec: number;
  log?: (line: string) => void;
  /** print each process's latest output at the end */
  keepLogs?: boolean;
}

export interface SoakReport {
  submitted: number;
  completed: number;
  failed: Array<{ id: string; code: string | null; message?: string }>;
  /** jobs a tenant's history lists more than once, or more jobs than were accepted */
  duplicates: number;
  /** accepted jobs that never reached a terminal state */
  lost: number;
  /** those jobs, with their scenes' states, to say where they stopped */
  stuck: Array<{ id: string; status: string; scenes: string[] }>;
  /** watchers (two per job, one on each API process) that did not see their job's terminal event */
  lostEvents: number;
  workerRestarts: number;
  /** provider video creates sent twice with the same request (a clip paid for twice) */
  repeatedCreates: number;
  /** each repeated request: its seed and when each copy reached the provider (s into the soak) */
  repeats: Array<{ seed: string | null; sentAtSec: number[] }>;
  /** when each worker was SIGKILLed (s into the soak), to set beside the repeats */
  kills: Array<{ worker: string; atSec: number }>;
  /** further creates beyond one per scene with a new seed: continuity retries, by design */
  retriedCreates: number;
  /** requests the proxy sent to each API process */
  apiRequests: number[];
  /** how many jobs ended in each status (a job still running counts under its status) */
  statuses: Record<string, number>;
  wallSec: number;
  jobsPerMinute: number;
  p95JobWallSec: number;
}

interface Proc {
  name: string;
  env: NodeJS.ProcessEnv;
  entry: string;
  child: ChildProcess | null;
  output: string;
}

/**
 * Reelsmith as a deployment runs it, on one machine: a 3-node Redis Cluster, DynamoDB (dynalite)
 * and S3 (s3rver), a local vLLM-Omni server for one video profile, two API processes behind a
 * round-robin proxy, and three workers (plan/music/compose; scenes of `video_default` on the
 * provider; scenes of `video_long` on the animatic). Jobs from several tenants are submitted through
 * the proxy and watched over SSE on both API processes while a worker is SIGKILLed and restarted
 * on a timer. Reports what a user would notice: jobs completed, lost, duplicated, events missed.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const dist = (app: string) => join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(dist('api'))) throw new Error('dist is missing: run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'reelsmith-soak-'));
  const cleanups: Array<() => Promise<unknown>> = [];
  const procs: Proc[] = [];
  let stopping = false;
  try {
    const cluster = await startRedisCluster(3);
    cleanups.push(cluster.stop);
    const dynamo = await startEmbeddedDynamo(null);
    cleanups.push(dynamo.close);
    const s3 = await startEmbeddedS3(join(dir, 's3'));
    cleanups.push(s3.close);
    const video = await FakeVllmOmniServer.start({ model: WAN, queuedMs: 100, runMs: 800, clipSec: 5 });
    cleanups.push(() => video.close());
    const table = 'reelsmith-soak';
    const bucket = 'reelsmith-soak';
    await ensureJobsTable(createDynamoClient({ endpoint: dynamo.endpoint, region: 'us-east-1' }), table);
    await ensureBucket(createS3Client({ endpoint: s3.endpoint, region: 'us-east-1' }), bucket);

    const tenants = Array.from({ length: options.tenants }, (_, i) => ({ key: `soak-key-${i}`, tenant: `tenant${i}` }));
    const common: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      API_KEYS: tenants.map((t) => `${t.key}=${t.tenant}`).join(','),
      REDIS_URL: cluster.urls[0],
      REDIS_CLUSTER: 'true',
      QUEUE_PREFIX: '{soak}',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      DYNAMODB_TABLE: table,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: bucket,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      VLLM_OMNI_BASE_URL: video.url,
      SSE_HEARTBEAT_MS: '2000',
      // a killed worker's step is taken up again after its lock expires: short here, as kills are frequent
      WORKER_LOCK_MS: '5000',
      DATA_DIR: join(dir, 'data'),
    };
    const apiPorts = [await freePort(), await freePort()];
    for (const [i, port] of apiPorts.entries())
      procs.push(proc(`api${i}`, dist('api'), { ...common, PORT: String(port), HOST: '127.0.0.1' }));
    procs.push(proc('worker-cpu', dist('worker'), { ...common, WORKER_QUEUES: 'plan,music,compose' }));
    procs.push(
      proc('worker-provider', dist('worker'), { ...common, WORKER_QUEUES: 'scene', WORKER_PROFILES: 'video_default' }),
    );
    procs.push(
      proc('worker-animatic', dist('worker'), { ...common, WORKER_QUEUES: 'scene', WORKER_PROFILES: 'video_long' }),
    );
    const onExit = (p: Proc) => {
      // a process that dies on its own (not killed by the soak) is a finding: restart it and count it
      if (!stopping) log(`${p.name} exited on its own:\n${p.output.slice(-2000)}`);
    };
    for (const p of procs) start(p, onExit);
    cleanups.push(async () => {
      stopping = true;
      await Promise.all(procs.map(stop));
    });
    const apis = apiPorts.map((port) => `http://127.0.0.1:${port}`);
    for (const api of apis) await waitHealthy(api, procs);
    const proxy = await startRoundRobinProxy(apis);
    cleanups.push(proxy.close);
    log(`soak: cluster ${cluster.urls.join(' ')}, apis ${apis.join(' ')}, proxy ${proxy.baseUrl}`);

    // the killer: one worker every killEverySec, round robin
    let restarts = 0;
    const kills: SoakReport['kills'] = [];
    const workers = procs.filter((p) => p.name.startsWith('worker'));
    const soakStart = Date.now();
    const killer = setInterval(() => {
      const victim = workers[restarts % workers.length];
      restarts++;
      kills.push({ worker: victim.name, atSec: (Date.now() - soakStart) / 1000 });
      log(`soak: SIGKILL ${victim.name}`);
      victim.child?.kill('SIGKILL');
      setTimeout(() => !stopping && start(victim, onExit), 500);
    }, options.killEverySec * 1000);
    cleanups.push(async () => clearInterval(killer));

    const started = Date.now();
    const deadline = started + options.deadlineSec * 1000;
    const accepted: Array<{ id: string; key: string; submittedAt: number }> = [];
    for (let i = 0; i < options.jobs; i++) {
      const t = tenants[i % tenants.length];
      const brief = {
        brief: `Six-second bumper number ${i} for a neighbourhood bakery's new sourdough.`,
        durationSec: 6,
        // a seed of its own: two jobs never send the provider the same request, so one sent twice is a repeat
        seed: 1000 + i,
        videoProfile: i % 2 ? 'video_long' : 'video_default',
        // the soak is about many processes, not media: most jobs are silent (a third have music, none
        // a voiceover), which keeps thirty of them within a few minutes on two cores
        music: { enabled: i % 3 === 0 },
        voiceover: { enabled: false },
      };
      const answer = await fetch(`${proxy.baseUrl}/v1/jobs`, {
        method: 'POST',
        headers: { 'x-api-key': t.key, 'content-type': 'application/json', 'idempotency-key': `soak-${i}` },
        body: JSON.stringify(brief),
      });
      if (answer.status !== 202)
        throw new Error(`submit ${i}: ${answer.status} ${await answer.text()}\n${outputs(procs)}`);
      accepted.push({ id: ((await answer.json()) as { id: string }).id, key: t.key, submittedAt: Date.now() });
    }
    log(`soak: ${accepted.length} jobs accepted`);

    let finished = 0;
    const progress = setInterval(() => log(`soak: ${finished}/${accepted.length} jobs seen ending`), 30_000);
    cleanups.push(async () => clearInterval(progress));
    const watched = await Promise.all(
      accepted.map(async (job) => {
        const seen = await Promise.all(apis.map((api) => watchUntilTerminal(api, job.id, job.key, deadline)));
        finished++;
        return { ...job, seen, finishedAt: Date.now() };
      }),
    );
    clearInterval(progress);
    const wallSec = (Date.now() - started) / 1000;
    stopping = true;
    clearInterval(killer);
    if (options.keepLogs) for (const p of procs) log(`--- ${p.name}\n${p.output.slice(-6000)}`);

    const views = await Promise.all(accepted.map((job) => viewOf(proxy.baseUrl, job.id, job.key)));
    let listed = 0;
    const ids = new Set<string>();
    for (const t of tenants) {
      const answer = await fetch(`${proxy.baseUrl}/v1/jobs?limit=100`, { headers: { 'x-api-key': t.key } });
      const page = (await answer.json()) as { items: Array<{ id: string }> };
      listed += page.items.length;
      page.items.forEach((item) => ids.add(item.id));
    }
    const providerScenes = views
      .filter((v) => (v.brief.videoProfile ?? 'video_default') === 'video_default')
      .reduce((n, v) => n + v.scenes.length, 0);
    // A create sent again with the same request (prompt, seed, size, frames, reference frame) is a
    // second payment for one clip; a continuity retry differs in its seed and is counted apart.
    const posts = video.requestsTo('POST', /^\/v1\/videos$/);
    const creates = posts.map((r) => JSON.stringify([r.fields, r.files?.input_reference?.sha256 ?? null]));
    const repeatedCreates = creates.length - new Set(creates).size;
    const sentAt = new Map<string, number[]>();
    for (const [i, key] of creates.entries())
      sentAt.set(key, [...(sentAt.get(key) ?? []), (posts[i].at - soakStart) / 1000]);
    const repeats = [...sentAt.entries()]
      .filter(([, at]) => at.length > 1)
      .map(([key, at]) => ({ seed: (JSON.parse(key)[0] as Record<string, string>).seed ?? null, sentAtSec: at }));
    const walls = views
      .filter((v) => v.status === 'completed')
      .map((v) => (Date.parse(v.updatedAt) - Date.parse(v.createdAt)) / 1000)
      .sort((a, b) => a - b);
    const completed = views.filter((v) => v.status === 'completed').length;
    return {
      submitted: accepted.length,
      completed,
      failed: views
        .filter((v) => v.status === 'failed')
        .map((v) => ({ id: v.id, code: v.error?.code ?? null, message: v.error?.message })),
      duplicates: listed - ids.size + Math.max(0, ids.size - accepted.length),
      lost: views.filter((v) => !TERMINAL.has(v.status)).length,
      stuck: views
        .filter((v) => !TERMINAL.has(v.status))
        .map((v) => ({ id: v.id, status: v.status, scenes: v.scenes.map((c) => c.status) })),
      lostEvents: watched.reduce((n, w) => n + w.seen.filter((s) => !s).length, 0),
      workerRestarts: restarts,
      repeatedCreates,
      repeats,
      kills,
      retriedCreates: Math.max(0, creates.length - repeatedCreates - providerScenes),
      apiRequests: proxy.counts(),
      statuses: views.reduce<Record<string, number>>((n, v) => ({ ...n, [v.status]: (n[v.status] ?? 0) + 1 }), {}),
      wallSec,
      jobsPerMinute: completed / (wallSec / 60),
      p95JobWallSec: walls.length ? walls[Math.min(walls.length - 1, Math.ceil(walls.length * 0.95) - 1)] : 0,
    };
  } finally {
    stopping = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

interface SoakJobView {
  id: string;
  status: string;
  error: { code: string; message?: string } | null;
  createdAt: string;
  updatedAt: string;
  scenes: Array<{ index: number; status: string }>;
  brief: { videoProfile?: string };
}

/** A job's view through the proxy, asked again while an API process answers anything but 200 (busy, restarting). */
async function viewOf(base: string, id: string, key: string): Promise<SoakJobView> {
  for (let attempt = 0; ; attempt++) {
    const answer = await fetch(`${base}/v1/jobs/${id}`, { headers: { 'x-api-key': key } }).catch(() => null);
    if (answer?.status === 200) return (await answer.json()) as SoakJobView;
    if (attempt === 20) throw new Error(`GET /v1/jobs/${id}: ${answer?.status} ${await answer?.text()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function outputs(procs: Proc[]): string {
  return procs.map((p) => `--- ${p.name}\n${p.output.slice(-3000)}`).join('\n');
}

function proc(name: string, entry: string, env: NodeJS.ProcessEnv): Proc {
  return { name, entry, env, child: null, output: '' };
}

function start(p: Proc, onExit: (p: Proc) => void): void {
  const child = spawn(process.execPath, [p.entry], { env: p.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer) => (p.output = (p.output + d.toString()).slice(-50_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.once('exit', (_code, signal) => {
    if (signal !== 'SIGKILL' && signal !== 'SIGTERM') onExit(p);
  });
  p.child = child;
}

async function stop(p: Proc): Promise<void> {
  const child = p.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}

async function waitHealthy(api: string, procs: Proc[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${api}/healthz`)).ok || (await fetch(`${api}/v1/studio/config`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${api} did not answer within 60 s:\n${outputs(procs)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Follows a job's events on one API process, resuming with Last-Event-ID, until its terminal event. */
async function watchUntilTerminal(api: string, id: string, key: string, deadline: number): Promise<boolean> {
  let lastEventId: string | undefined;
  while (Date.now() < deadline) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(1, deadline - Date.now()));
    try {
      const response = await fetch(`${api}/v1/jobs/${id}/events`, {
        headers: { 'x-api-key': key, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        signal: controller.signal,
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for await (const event of readSse(response.body!)) {
        if (event.id) lastEventId = event.id;
        if (event.event === 'job' && TERMINAL.has((JSON.parse(event.data!) as { status: string }).status)) {
          controller.abort();
          return true;
        }
      }
    } catch {
      // the stream dropped or the deadline passed: resume below
    } finally {
      clearTimeout(timer);
    }
  }
  return false;
}
