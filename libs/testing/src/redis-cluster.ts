import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { freePort } from '@stack/embedded';

const run = promisify(execFile);

export interface RedisCluster {
  /** `redis://127.0.0.1:<port>` of every node, for REDIS_URL (comma-separated seeds) */
  urls: string[];
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster on loopback for tests: `nodes` redis-server processes started with
 * `--cluster-enabled yes`, joined into one cluster with every slot covered (no replicas), nothing
 * kept on disk beyond the run.
 */
export async function startRedisCluster(nodes = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'reelsmith-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < nodes; i++) {
    const port = await freePort();
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir);
    const child = spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
        ...['--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      ],
      { stdio: 'ignore' },
    );
    children.push(child);
    ports.push(port);
  }
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitForPing(port);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitForClusterOk(ports[0]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls: ports.map((p) => `redis://127.0.0.1:${p}`), stop };
}

async function waitForPing(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      await redis.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      redis.disconnect();
    }
  }
}

async function waitForClusterOk(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const redis = new Redis({ port, host: '127.0.0.1' });
  try {
    while (!/cluster_state:ok/.test(String(await redis.cluster('INFO')))) {
      if (Date.now() > deadline) throw new Error('the Redis cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    redis.disconnect();
  }
}
