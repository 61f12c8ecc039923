import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { freePort } from '@stack/embedded';
/** The repository root, from the sources (ts-jest) or from dist/ (bench). */
export const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();
const STACK_MAIN = join(ROOT, 'dist', 'apps', 'stack', 'src', 'main.js');

export const KEY_A = 'key-a';
export const KEY_B = 'key-b';
/** carries the admin scope: the detailed GET /v1/health */
export const KEY_ADMIN = 'key-admin';

export interface BuiltStack {
  baseUrl: string;
  dataDir: string;
  /** the stack's own process, leader of the group its API and worker run in; it holds the embedded DynamoDB (dynalite) and S3 (s3rver) */
  pid: number;
  /** Kills the whole process tree at once (api, worker, redis-server, the stack itself). */
  kill(): Promise<void>;
  /** Graceful stop; removes the data dir unless `keepData`. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  logs(): string;
}

/**
 * `npm start` as a user runs it (the built dist, embedded defaults), in its own process group so
 * that a test can SIGKILL the whole tree. Nothing touches the machine's shared Redis.
 */
export async function startBuiltStack(opts: { dataDir?: string; port?: number; env?: NodeJS.ProcessEnv } = {}) {
  if (!existsSync(STACK_MAIN)) throw new Error(`${STACK_MAIN} is missing: run npm run build first`);
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'reelsmith-e2e-'));
  const port = opts.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    API_KEYS: `${KEY_A}=tenantA,${KEY_B}=tenantB,${KEY_ADMIN}=ops:admin`,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    WORKER_CONCURRENCY: '2',
    SSE_HEARTBEAT_MS: '1000',
    ...opts.env,
  };
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [STACK_MAIN], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`stack exited early:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`stack not ready within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const stack: BuiltStack = {
    baseUrl,
    dataDir,
    pid: child.pid!,
    logs: () => output,
    kill: async () => {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
      await new Promise((r) => setTimeout(r, 200));
    },
    stop: async ({ keepData = false } = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}
