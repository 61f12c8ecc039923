import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { deleteRedisPrefix, TEST_REDIS_URL } from '@app/testing';
import { acquireFirstFree, ProviderSemaphore } from './provider-semaphore.service';
import { sleep } from './provider.errors';
import { RateLimiter } from './rate-limiter.service';

describe(ProviderSemaphore.name, () => {
  let prefix: string;
  // Two connections stand for two worker processes sharing the limit.
  let workerA: Redis;
  let workerB: Redis;

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

  it('never lets more than the limit hold a slot across workers', async () => {
    const options = { prefix, scope: 'vllm-omni:gpu1', limit: 3, leaseMs: 5_000, pollMs: 10 };
    const semaphores = [new ProviderSemaphore(workerA, options), new ProviderSemaphore(workerB, options)];
    let holding = 0;
    let maxHolding = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const lease = await semaphores[i % 2].acquire();
        holding++;
        maxHolding = Math.max(maxHolding, holding);
        expect(await semaphores[0].count()).toBeLessThanOrEqual(3);
        await sleep(5 + (i % 4) * 5);
        holding--;
        done++;
        await lease.release();
      }),
    );
    expect(done).toBe(24);
    expect(maxHolding).toBe(3);
    expect(await semaphores[1].count()).toBe(0);
  });

  it('keeps a held slot alive past its TTL by renewing it', async () => {
    const options = { prefix, scope: 'replicate:k1', limit: 1, leaseMs: 300, pollMs: 10 };
    const a = new ProviderSemaphore(workerA, options);
    const b = new ProviderSemaphore(workerB, options);
    const lease = await a.acquire();
    await sleep(800);
    expect(await b.tryAcquire()).toBeNull();
    expect(lease.lost).toBe(false);
    await lease.release();
    const next = await b.tryAcquire();
    expect(next).not.toBeNull();
    await next!.release();
  });

  it('frees the slot of a holder that crashed once its lease expires', async () => {
    const options = { prefix, scope: 'replicate:k1', limit: 1, leaseMs: 400, pollMs: 20 };
    const crashing = new ProviderSemaphore(workerA, options);
    const survivor = new ProviderSemaphore(workerB, options);
    await crashing.acquire();
    workerA.disconnect(); // the worker dies: nothing renews or releases its lease
    const started = Date.now();
    expect(await survivor.tryAcquire()).toBeNull();
    const lease = await survivor.acquire(AbortSignal.timeout(5_000));
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2_000);
    await lease.release();
  });

  it('gives up waiting when the signal aborts', async () => {
    const options = { prefix, scope: 's', limit: 1, leaseMs: 5_000, pollMs: 10 };
    const held = await new ProviderSemaphore(workerA, options).acquire();
    await expect(new ProviderSemaphore(workerB, options).acquire(AbortSignal.timeout(100))).rejects.toMatchObject({
      name: 'AbortError',
    });
    await held.release();
  });

  it('spreads over several scopes, taking the first with a free slot', async () => {
    const one = new ProviderSemaphore(workerA, { prefix, scope: 'one', limit: 1, pollMs: 10 });
    const two = new ProviderSemaphore(workerA, { prefix, scope: 'two', limit: 1, pollMs: 10 });
    const first = await acquireFirstFree([one, two]);
    const second = await acquireFirstFree([one, two]);
    expect([first.semaphore.scope, second.semaphore.scope]).toEqual(['one', 'two']);
    const third = acquireFirstFree([one, two], AbortSignal.timeout(2_000));
    await sleep(50);
    await second.lease.release();
    expect((await third).semaphore.scope).toBe('two');
    await Promise.all([first.lease.release(), (await third).lease.release()]);
  });
});

describe(RateLimiter.name, () => {
  let prefix: string;
  let a: Redis;
  let b: Redis;
  beforeEach(() => {
    prefix = `rs-test-${randomBytes(6).toString('hex')}`;
    a = new Redis(TEST_REDIS_URL);
    b = new Redis(TEST_REDIS_URL);
  });
  afterEach(async () => {
    a.disconnect();
    b.disconnect();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  it('holds two workers together to the shared rate after the burst', async () => {
    const options = { prefix, scope: 'replicate:k1', perSecond: 20, burst: 5 };
    const limiters = [new RateLimiter(a, options), new RateLimiter(b, options)];
    const started = Date.now();
    await Promise.all(Array.from({ length: 25 }, (_, i) => limiters[i % 2].take()));
    const elapsed = Date.now() - started;
    // 5 at once, then 20 more at 20/s: about one second, never much less
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('says how long until the next token when the bucket is empty', async () => {
    const limiter = new RateLimiter(a, { prefix, scope: 'x', perSecond: 2, burst: 1 });
    expect(await limiter.tryTake()).toBe(0);
    const wait = await limiter.tryTake();
    expect(wait).toBeGreaterThan(300);
    expect(wait).toBeLessThanOrEqual(500);
  });
});
