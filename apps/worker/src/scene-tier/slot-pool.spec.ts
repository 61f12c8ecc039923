import fc from 'fast-check';
import { SlotPool, type SlotInfo } from './slot-pool';

const tick = () => new Promise((r) => setImmediate(r));
const devices = (n: number) =>
  SlotPool.slotsFor(
    Array.from({ length: n }, (_, i) => String(i)),
    0,
  );

function recordingLoader() {
  const loads: Array<{ slot: string; profile: string; previous: string | null }> = [];
  const loader = async (slot: SlotInfo, profile: string, previous: string | null) => {
    loads.push({ slot: slot.id, profile, previous });
    await tick();
  };
  return { loads, loader };
}

describe(SlotPool.name, () => {
  it('names slots after GPU_DEVICES, or numbers host slots when there are none', () => {
    expect(SlotPool.slotsFor(['0', '3'], 9)).toEqual([
      { id: 'gpu0', device: '0' },
      { id: 'gpu3', device: '3' },
    ]);
    expect(SlotPool.slotsFor([], 2)).toEqual([
      { id: 'host0', device: null },
      { id: 'host1', device: null },
    ]);
  });

  it('never runs two scenes on one device, whatever the mix of models and timings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(
          fc.record({
            profile: fc.constantFrom('video_default', 'video_long', 'image_default'),
            holdMs: fc.integer({ min: 0, max: 3 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        async (slotCount, work) => {
          const pool = new SlotPool(devices(slotCount), recordingLoader().loader);
          const holding = new Map<string, number>();
          let peak = 0;
          await Promise.all(
            work.map(async ({ profile, holdMs }) => {
              const lease = await pool.acquire(profile);
              const now = (holding.get(lease.slot.id) ?? 0) + 1;
              holding.set(lease.slot.id, now);
              peak = Math.max(peak, now);
              await new Promise((r) => setTimeout(r, holdMs));
              holding.set(lease.slot.id, holding.get(lease.slot.id)! - 1);
              lease.release();
            }),
          );
          expect(peak).toBe(1);
          expect(pool.snapshot().every((s) => !s.busy)).toBe(true);
          expect(pool.snapshot().reduce((n, s) => n + s.served, 0)).toBe(work.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps a model warm: a free slot serves the earliest waiter for its model, and loads only when it must', async () => {
    const { loads, loader } = recordingLoader();
    const pool = new SlotPool(devices(2), loader);
    const a = await pool.acquire('video_default');
    const b = await pool.acquire('video_long');
    expect(loads.map((l) => `${l.slot}:${l.profile}`)).toEqual(['gpu0:video_default', 'gpu1:video_long']);

    const order: string[] = [];
    const wantLong = pool.acquire('video_long').then((l) => (order.push(`long@${l.slot.id}`), l));
    const wantDefault = pool.acquire('video_default').then((l) => (order.push(`default@${l.slot.id}`), l));
    a.release(); // gpu0 holds video_default: it skips the earlier video_long waiter
    const c = await wantDefault;
    b.release();
    const d = await wantLong;
    expect(order).toEqual(['default@gpu0', 'long@gpu1']);
    expect(loads).toHaveLength(2); // nothing reloaded
    c.release();
    d.release();
    expect(pool.snapshot().map((s) => [s.id, s.model, s.loads, s.served])).toEqual([
      ['gpu0', 'video_default', 1, 2],
      ['gpu1', 'video_long', 1, 2],
    ]);
  });

  it('swaps the model of the slot idle longest when no warm slot is free, naming the model it drops', async () => {
    const { loads, loader } = recordingLoader();
    let now = 0;
    const pool = new SlotPool(devices(2), loader, { now: () => now });
    const a = await pool.acquire('video_default');
    const b = await pool.acquire('video_long');
    now = 10;
    b.release();
    now = 20;
    a.release();
    const c = await pool.acquire('image_default');
    expect(c.slot.id).toBe('gpu1');
    expect(loads.at(-1)).toEqual({ slot: 'gpu1', profile: 'image_default', previous: 'video_long' });
    c.release();
  });

  it('serves a waiter passed over too often even when that means loading a model', async () => {
    const pool = new SlotPool(devices(1), recordingLoader().loader, { maxSkips: 2 });
    let current = await pool.acquire('video_default');
    const order: string[] = [];
    const track = (name: string, profile: string) =>
      pool.acquire(profile).then((lease) => {
        order.push(name);
        current = lease;
      });
    const all = [track('long', 'video_long'), ...[1, 2, 3, 4].map((i) => track(`d${i}`, 'video_default'))];
    for (let i = 0; i < 5; i++) {
      current.release();
      await tick();
      await tick();
    }
    await Promise.all(all);
    current.release();
    // the warm model goes first twice, then the waiter skipped twice gets the slot (and a load)
    expect(order).toEqual(['d1', 'd2', 'long', 'd3', 'd4']);
  });

  it('batches waiting scenes of one model and parameters into one call on one slot', async () => {
    const pool = new SlotPool(devices(1), recordingLoader().loader);
    const first = await pool.acquire('video_default');
    const ask = (key: string, n: number) =>
      pool.acquire('video_default', { batchKey: key, maxBatch: 3 }).then((l) => ({ l, n }));
    const waiting = [ask('k', 1), ask('k', 2), ask('other', 3), ask('k', 4), ask('k', 5)];
    first.release();
    const calls: number[][] = [];
    const run = async (requests: number[]) => {
      calls.push(requests);
      return requests.map((r) => r * 10);
    };
    const granted = await Promise.all(waiting.slice(0, 2).concat(waiting[3]));
    expect(granted.map((g) => [g.l.slot.id, g.l.batchSize])).toEqual([
      ['gpu0', 3],
      ['gpu0', 3],
      ['gpu0', 3],
    ]);
    const results = await Promise.all(granted.map((g) => g.l.submit(g.n, run)));
    expect(calls).toEqual([[1, 2, 4]]);
    expect(results).toEqual([10, 20, 40]);
    granted.forEach((g) => g.l.release());
    // the incompatible scene runs alone next, then the remaining compatible one
    const other = await waiting[2];
    expect(other.l.batchSize).toBe(1);
    other.l.release();
    (await waiting[4]).l.release();
  });

  it('runs a batch without a member that left before submitting', async () => {
    const pool = new SlotPool(devices(1), recordingLoader().loader);
    const first = await pool.acquire('v');
    const two = [1, 2].map(() => pool.acquire('v', { batchKey: 'k', maxBatch: 2 }));
    first.release();
    const [x, y] = await Promise.all(two);
    y.release();
    const run = jest.fn(async (requests: string[]) => requests.map((r) => r.toUpperCase()));
    await expect(x.submit('only', run)).resolves.toBe('ONLY');
    expect(run).toHaveBeenCalledWith(['only']);
    x.release();
    expect(pool.snapshot()[0].busy).toBe(false);
  });

  it('drops a waiter whose job ended while it waited', async () => {
    const pool = new SlotPool(devices(1), recordingLoader().loader);
    const held = await pool.acquire('v');
    const controller = new AbortController();
    const waiting = pool.acquire('v', { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(pool.waiting).toBe(0);
    held.release();
  });

  it('fails the waiter and frees the slot when a model does not load', async () => {
    const pool = new SlotPool(devices(1), async (_slot, profile) => {
      if (profile === 'broken') throw new Error('CUDA out of memory');
    });
    await expect(pool.acquire('broken')).rejects.toThrow('CUDA out of memory');
    const ok = await pool.acquire('v');
    expect(pool.snapshot()[0]).toMatchObject({ model: 'v', busy: true, loads: 1 });
    ok.release();
  });

  it('reports the number of busy slots on each change, without a dip when a freed slot is taken again at once', async () => {
    const reports: number[] = [];
    const pool = new SlotPool(devices(2), recordingLoader().loader, { onBusyChange: (n) => reports.push(n) });
    const a = await pool.acquire('video_default');
    const b = await pool.acquire('video_default');
    const waiting = pool.acquire('video_default');
    a.release();
    const c = await waiting;
    b.release();
    c.release();
    expect(reports).toEqual([1, 2, 1, 0]);
  });
});
