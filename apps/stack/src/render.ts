/**
 * `npm run render -- [brief.json] [--out DIR]`: renders a brief into an MP4 through the running
 * stack (starting one on the embedded defaults when none answers), showing live progress from
 * the SSE stream, and prints where the file is.
 */
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '@app/config';
import { readSse } from './sse-client';

interface View {
  id: string;
  status: string;
  progress: number;
  scenes: Array<{ status: string }>;
  music: { status: string };
  outputs: Array<{
    type: string;
    url: string;
    contentType: string;
    aspectRatio?: string | null;
    durationSec: number | null;
    width: number;
    height: number;
  }>;
  error: { code: string; message: string } | null;
}

const EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'text/vtt': 'vtt',
};

const MARKS: Record<string, string> = {
  pending: '.',
  running: '>',
  completed: '#',
  failed: 'x',
  cancelled: '-',
  skipped: ' ',
};

async function main() {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const outDir = resolve(outIndex >= 0 ? args[outIndex + 1] : 'out');
  const briefPath = resolve(
    args.find((a, i) => !a.startsWith('--') && i !== outIndex + 1) ?? 'examples/briefs/allergy-30s.json',
  );
  const config = loadConfig();
  const base = `http://${config.host}:${config.port}`;
  const apiKey = process.env.REELSMITH_API_KEY ?? config.apiKeys.find((k) => k.key !== null)?.key;
  if (!apiKey) throw new Error('API_KEYS holds only hashed keys: give a plain one in REELSMITH_API_KEY');

  let stack: ChildProcess | null = null;
  if (!(await healthy(base))) {
    console.log(`No stack answers on ${base}: starting one (data in ${config.dataDir}) ...`);
    stack = spawn(process.execPath, [join(__dirname, 'main.js')], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: process.env,
    });
    await waitFor(() => healthy(base), 120_000, 'the stack did not become healthy');
  }
  try {
    const brief = JSON.parse(readFileSync(briefPath, 'utf8')) as unknown;
    const headers = { 'content-type': 'application/json', 'x-api-key': apiKey };
    const submitted = await fetch(`${base}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify(brief) });
    const answer = (await submitted.json()) as { id?: string; error?: unknown };
    if (submitted.status !== 202 || !answer.id)
      throw new Error(`submit failed (${submitted.status}): ${JSON.stringify(answer)}`);
    console.log(`Job ${answer.id} accepted for ${briefPath}`);

    const view = await follow(`${base}/v1/jobs/${answer.id}/events`, apiKey);
    process.stdout.write('\n');
    if (view.status !== 'completed') throw new Error(`job ${view.status}: ${view.error?.code} ${view.error?.message}`);
    mkdirSync(outDir, { recursive: true });
    const videos = view.outputs.filter((o) => o.type === 'video').length;
    for (const output of view.outputs) {
      // one file per output: every format of the video, the poster, the preview and the captions
      const ratio =
        output.type === 'video' && videos > 1 && output.aspectRatio ? `_${output.aspectRatio.replace(':', 'x')}` : '';
      const suffix = output.type === 'video' ? '' : `.${output.type}`;
      const file = join(outDir, `${view.id}${ratio}${suffix}.${EXTENSIONS[output.contentType] ?? 'bin'}`);
      writeFileSync(file, Buffer.from(await (await fetch(output.url)).arrayBuffer()));
      const what = output.durationSec
        ? `${output.width}x${output.height}, ${output.durationSec}s`
        : output.type === 'captions'
          ? 'WebVTT'
          : `${output.width}x${output.height}`;
      console.log(`${output.type.padEnd(6)} ${file} (${what})`);
    }
  } finally {
    stack?.kill('SIGTERM');
  }
}

async function follow(url: string, apiKey: string): Promise<View> {
  const response = await fetch(url, { headers: { 'x-api-key': apiKey, accept: 'text/event-stream' } });
  if (!response.ok || !response.body) throw new Error(`events stream answered ${response.status}`);
  let last: View | null = null;
  for await (const event of readSse(response.body)) {
    if (event.event !== 'job' || !event.data) continue;
    last = JSON.parse(event.data) as View;
    const scenes = last.scenes.map((s) => MARKS[s.status] ?? '?').join('');
    const line = `[${last.progress.toFixed(0).padStart(3)}%] ${last.status.padEnd(10)} scenes [${scenes}] music ${last.music.status}`;
    process.stdout.write(process.stdout.isTTY ? `\r${line.padEnd(80)}` : `${line}\n`);
  }
  if (!last) throw new Error('the events stream ended without a job event');
  return last;
}

async function healthy(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, message: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((r) => setTimeout(r, 500));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
