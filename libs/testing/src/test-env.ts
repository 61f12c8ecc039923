import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { type AppConfig, loadConfig } from '@app/config';
import { startEmbeddedDynamo, startEmbeddedS3 } from '@stack/embedded';
import { createDynamoClient, ensureJobsTable } from '@app/persistence';
import { createS3Client, ensureBucket } from '@app/storage';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestEnv {
  config: AppConfig;
  dataDir: string;
  /** Deletes every Redis key under this env's prefix and stops the embedded services. */
  close(): Promise<void>;
}

/**
 * Real services for integration tests: dynalite (in memory) and s3rver (temp dir) in this
 * process, and the machine's Redis under a prefix unique to this env, removed on close.
 */
export async function startTestEnv(overrides: NodeJS.ProcessEnv = {}): Promise<TestEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reelsmith-test-'));
  const dynamo = await startEmbeddedDynamo(null);
  const s3 = await startEmbeddedS3(join(dataDir, 's3'));
  const prefix = `rs-test-${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    API_KEYS: 'key-a=tenantA,key-b=tenantB',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    S3_ENDPOINT: s3.endpoint,
    DATA_DIR: dataDir,
    PORT: '0',
    ...overrides,
  });
  await ensureJobsTable(createDynamoClient(config.dynamodb), config.dynamodb.table);
  await ensureBucket(createS3Client(config.s3), config.s3.bucket);
  return {
    config,
    dataDir,
    close: async () => {
      await deleteRedisPrefix(TEST_REDIS_URL, prefix);
      await Promise.all([dynamo.close(), s3.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Leaves the shared Redis as it was: removes every key a test wrote under its prefix. */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
