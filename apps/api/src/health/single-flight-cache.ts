/**
 * One value computed at a time and reused for `ttlMs`: concurrent callers while it is computed share
 * the same promise, so a burst of N calls costs one computation, not N. Past `ttlMs` but within
 * `maxStaleMs` the last value is still answered at once while one refresh runs behind it (callers
 * never wait on the probe while someone keeps asking); older than that, callers wait for a fresh one.
 * A failed computation is not cached (the next caller tries again).
 */
export class SingleFlightCache<T> {
  private cached: { value: T; at: number } | null = null;
  private inflight: Promise<T> | null = null;

  constructor(
    private readonly compute: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxStaleMs = ttlMs * 2,
  ) {}

  get(): Promise<T> {
    const age = this.cached ? this.now() - this.cached.at : Infinity;
    if (this.cached && age < this.ttlMs) return Promise.resolve(this.cached.value);
    const refresh = this.refresh();
    if (this.cached && age < this.maxStaleMs) {
      refresh.catch(() => undefined); // a failed background refresh leaves the next caller to try again
      return Promise.resolve(this.cached.value);
    }
    return refresh;
  }

  private refresh(): Promise<T> {
    return (this.inflight ??= this.compute()
      .then((value) => {
        this.cached = { value, at: this.now() };
        return value;
      })
      .finally(() => {
        this.inflight = null;
      }));
  }
}
