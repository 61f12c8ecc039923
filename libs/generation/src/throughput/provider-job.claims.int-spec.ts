import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { deleteRedisPrefix, TEST_REDIS_URL } from '@app/testing';
import { type ProviderJobRef } from '../generation.ports';
import { ProviderJobClaims } from './provider-job.claims';

describe(ProviderJobClaims.name, () => {
  let prefix: string;
  // Two connections stand for two worker processes restarting attempts at once.
  let workerA: Redis;
  let workerB: Redis;
  const ref = (id: string, endpoint = 'http://gpu-1:8091'): ProviderJobRef => ({
    provider: 'vllm-omni',
    id,
    endpoint,
    model: 'wan',
    createdAt: new Date().toISOString(),
  });

  beforeEach(() => {
    prefix = `rs-test-${randomBytes(6).toString('hex')}`;
    workerA = new Redis(TEST_REDIS_URL);
    workerB = new Redis(TEST_REDIS_URL);
  });
  afterEach(async () => {
    workerA.disconnect();
    workerB.disconnect();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  it('gives each provider job to one owner across processes, again to the same owner, for days', async () => {
    const a = new ProviderJobClaims(workerA, prefix);
    const b = new ProviderJobClaims(workerB, prefix);
    const raced = await Promise.all([
      a.claim(ref('video_1'), 'job-a/scene-0/first'),
      b.claim(ref('video_1'), 'job-b/scene-0/first'),
    ]);
    expect(raced.filter(Boolean)).toHaveLength(1);
    const winner = raced[0] ? 'job-a/scene-0/first' : 'job-b/scene-0/first';
    expect(await a.claim(ref('video_1'), winner)).toBe(true);
    // the same id on another server is another job
    expect(await b.claim(ref('video_1', 'http://gpu-2:8091'), 'job-c/scene-1/first')).toBe(true);
    const [key] = await workerA.keys(`${prefix}:provider:claim:*`);
    expect(await workerA.ttl(key)).toBeGreaterThan(2 * 24 * 3600);
  });
});
