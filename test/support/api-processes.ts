import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@stack/embedded';
import { startTestEnv, type TestEnv } from '@app/testing';
import { ROOT } from './built-stack';

const API_MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
/** A tenant of its own, used only to see that a process answers (so it never spends another tenant's budget). */
export const PROBE_KEY = 'key-probe';

export interface ApiProcesses {
  env: TestEnv;
  /** one base URL per API process; every process shares Redis, DynamoDB and S3 */
  urls: string[];
  logs(): string;
  stop(): Promise<void>;
}

/**
 * `count` built API processes (no worker: accepted jobs stay queued) over one set of real
 * services: dynalite and s3rver in this process, the machine's Redis under a unique prefix.
 */
export async function startApiProcesses(count: number, extraEnv: NodeJS.ProcessEnv = {}): Promise<ApiProcesses> {
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: run npm run build first`);
  const keys = `${extraEnv.API_KEYS ?? 'key-a=tenantA,key-b=tenantB'},${PROBE_KEY}=probe`;
  const env = await startTestEnv({ ...extraEnv, API_KEYS: keys });
  const { config } = env;
  let output = '';
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const child = spawn(process.execPath, [API_MAIN], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        HOST: '127.0.0.1',
        PORT: String(port),
        REDIS_URL: config.redisUrl!,
        QUEUE_PREFIX: config.queuePrefix,
        DYNAMODB_ENDPOINT: config.dynamodb.endpoint!,
        S3_ENDPOINT: config.s3.endpoint!,
        DATA_DIR: env.dataDir,
        ...extraEnv,
        API_KEYS: keys,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer) => (output = (output + `[api${i}] ${d.toString()}`).slice(-100_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    children.push(child);
    urls.push(`http://127.0.0.1:${port}`);
  }
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await env.close();
  };
  try {
    await Promise.all(urls.map((url, i) => untilAnswering(url, children[i], () => output)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, urls, logs: () => output, stop };
}

async function untilAnswering(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`api exited early:\n${logs()}`);
    try {
      if ((await fetch(`${url}/v1/jobs?limit=1`, { headers: { 'x-api-key': PROBE_KEY } })).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`api not answering within 60 s:\n${logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
