import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { type AppConfig } from '@app/config';
import { startEmbeddedDynamo, startEmbeddedS3, startEmbeddedRedis } from '@stack/embedded';
import { createDynamoClient, ensureJobsTable } from '@app/persistence';
import { createS3Client, ensureBucket } from '@app/storage';

export interface RunningStack {
  /** Resolves when the stack stopped; rejects when a part died on its own. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * `npm start`: whatever backing service is not configured runs here (redis-server as a child,
 * dynalite and s3rver in this process), all under DATA_DIR; then the API and the worker run as
 * child processes exactly as they run in production, pointed at those endpoints.
 */
export async function startStack(config: AppConfig, logger = new Logger('stack')): Promise<RunningStack> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: config.dataDir };
  const cleanups: Array<() => Promise<void>> = [];

  if (!config.redisUrl) {
    const redis = await startEmbeddedRedis(join(config.dataDir, 'redis'));
    cleanups.push(redis.stop);
    env.REDIS_URL = redis.url;
  }
  if (!config.dynamodb.endpoint) {
    const dynamo = await startEmbeddedDynamo(join(config.dataDir, 'dynamodb'));
    cleanups.push(dynamo.close);
    env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  }
  const missingIndexes = await ensureJobsTable(
    createDynamoClient({ ...config.dynamodb, endpoint: env.DYNAMODB_ENDPOINT ?? null }),
    config.dynamodb.table,
  );
  if (missingIndexes.length)
    logger.warn(
      `the job table in ${config.dataDir} predates its index ${missingIndexes.join(', ')}: ` +
        'GET /v1/admin/jobs needs it (start with a new DATA_DIR to have it)',
    );
  if (!config.s3.endpoint) {
    const s3 = await startEmbeddedS3(join(config.dataDir, 's3'));
    cleanups.push(s3.close);
    env.S3_ENDPOINT = s3.endpoint;
  }
  await ensureBucket(createS3Client({ ...config.s3, endpoint: env.S3_ENDPOINT ?? null }), config.s3.bucket);
  logger.log(
    `redis ${env.REDIS_URL}, dynamodb ${env.DYNAMODB_ENDPOINT}, s3 ${env.S3_ENDPOINT}, data in ${config.dataDir}`,
  );

  const children: ChildProcess[] = [];
  let stopping = false;
  let failStack: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (failStack = reject));
  const spawnApp = (name: 'api' | 'worker') => {
    const child = fork(join(__dirname, '..', '..', name, 'src', 'main.js'), [], { env, stdio: 'inherit' });
    child.once('exit', (code, signal) => {
      if (!stopping) failStack(new Error(`${name} exited (${signal ?? code}); stopping the stack`));
    });
    children.push(child);
    return child;
  };

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => (clearTimeout(timer), resolve()));
            child.kill('SIGTERM');
          }),
      ),
    );
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  spawnApp('worker');
  const api = spawnApp('api');
  try {
    await Promise.race([
      failed,
      new Promise<void>((resolve) => api.on('message', (m: { ready?: boolean }) => m?.ready && resolve())),
    ]);
  } catch (error) {
    // A part that dies during boot must not leave the others (redis-server, the other app) running.
    await stop();
    throw error;
  }
  logger.log(`Reelsmith is ready on http://${config.host}:${config.port}`);
  logger.log(`Studio: open http://${config.host}:${config.port}/ in a browser (sign in with an API key)`);

  const done = failed.catch(async (error: Error) => {
    await stop();
    throw error;
  });
  return { done, stop };
}
