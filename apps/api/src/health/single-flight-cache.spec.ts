import { SingleFlightCache } from './single-flight-cache';

describe(SingleFlightCache.name, () => {
  function deferred<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  }

  it('shares one computation between concurrent callers', async () => {
    const pending = deferred<string>();
    const compute = jest.fn(() => pending.promise);
    const cache = new SingleFlightCache(compute, 2_000, () => 0);
    const calls = Array.from({ length: 200 }, () => cache.get());
    pending.resolve('ready');
    expect(await Promise.all(calls)).toEqual(Array(200).fill('ready'));
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('reuses the value for the ttl, then answers it once more while refreshing, then waits when too old', async () => {
    let now = 0;
    let n = 0;
    const cache = new SingleFlightCache(
      async () => ++n,
      2_000,
      () => now,
    );
    expect(await cache.get()).toBe(1);
    now = 1_999;
    expect(await cache.get()).toBe(1);
    now = 2_000;
    expect(await cache.get()).toBe(1); // stale: answered at once, a refresh runs behind it
    await new Promise((r) => setImmediate(r));
    expect(await cache.get()).toBe(2);
    now = 10_000;
    expect(await cache.get()).toBe(3); // older than maxStale: waits for a fresh value
  });

  it('does not keep a failure: the next call computes again', async () => {
    let fail = true;
    const cache = new SingleFlightCache(
      async () => {
        if (fail) throw new Error('down');
        return 'ok';
      },
      2_000,
      () => 0,
    );
    await expect(cache.get()).rejects.toThrow('down');
    fail = false;
    expect(await cache.get()).toBe('ok');
  });
});
