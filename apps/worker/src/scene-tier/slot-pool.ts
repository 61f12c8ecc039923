import { type SlotStatus } from '@app/pipeline';

/**
 * A worker's generation slots: one per GPU device (GPU_DEVICES), or WORKER_CONCURRENCY host slots
 * without a device. A slot runs one scene (or one batch of compatible scenes) at a time and keeps
 * the model it last ran warm; it loads another only when no slot already holding the wanted model
 * is free. Waiters are served in arrival order, except that a free slot first serves the earliest
 * waiter for the model it holds; a waiter passed over `maxSkips` times is served next whatever it
 * costs, so no model starves.
 */

export interface SlotInfo {
  /** `gpu0`, `gpu1`…, or `host0`… for slots without a device */
  id: string;
  /** the CUDA device id, or null on a host slot */
  device: string | null;
}

/** A slot as health reports it: its device, the model it holds warm, and what it has done. */
export type SlotSnapshot = SlotStatus;

/** Loads a profile's model onto a slot (the previous one is dropped: one model per slot). */
export type ModelLoader = (slot: SlotInfo, profile: string, previous: string | null) => Promise<void>;

export interface AcquireOptions {
  signal?: AbortSignal;
  /** waiters with the same key (same model and parameters) may share one slot as a batch */
  batchKey?: string;
  /** how many such waiters one slot takes at once (the backend's batch limit) */
  maxBatch?: number;
}

export interface SlotLease {
  readonly slot: SlotInfo;
  /** how many compatible scenes share the slot (1 without batching) */
  readonly batchSize: number;
  /** joins the slot's batch: `run` is called once, with the request of every member still present */
  submit<Req, Res>(request: Req, run: (requests: Req[]) => Promise<Res[]>): Promise<Res>;
  /** frees the slot once every member of the batch has released */
  release(): void;
}

/**
 * The members of one batch: each submits its request, and the last submission runs the backend
 * once for all of them; every member gets its own result. A member that leaves before submitting
 * (released, failed early) is simply not in the call.
 */
class BatchGroup {
  private readonly pending = new Map<
    number,
    { request: unknown; resolve: (r: unknown) => void; reject: (e: unknown) => void }
  >();
  private readonly left = new Set<number>();
  private run: ((requests: unknown[]) => Promise<unknown[]>) | null = null;

  constructor(readonly size: number) {}

  /** `run` is called once, with the requests of every member still present, in member order. */
  submit<Req, Res>(member: number, request: Req, run: (requests: Req[]) => Promise<Res[]>): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.pending.set(member, { request, resolve: resolve as (r: unknown) => void, reject });
      this.run ??= run as (requests: unknown[]) => Promise<unknown[]>;
      this.maybeRun();
    });
  }

  leave(member: number): void {
    if (this.pending.has(member)) return;
    this.left.add(member);
    this.maybeRun();
  }

  private maybeRun(): void {
    if (!this.run || this.pending.size + this.left.size < this.size) return;
    const members = [...this.pending.entries()].sort(([a], [b]) => a - b);
    const run = this.run;
    this.run = null;
    run(members.map(([, m]) => m.request))
      .then(
        (results) => {
          if (results.length !== members.length)
            throw new Error(`a batch of ${members.length} returned ${results.length} results`);
          members.forEach(([, m], i) => m.resolve(results[i]));
        },
        (error: unknown) => members.forEach(([, m]) => m.reject(error)),
      )
      .catch((error: unknown) => members.forEach(([, m]) => m.reject(error)));
  }
}

interface Waiter {
  profile: string;
  batchKey: string | null;
  maxBatch: number;
  skips: number;
  resolve: (lease: SlotLease) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot extends SlotSnapshot {
  lastUsed: number;
  busySince: number | null;
}

export interface SlotPoolOptions {
  maxSkips?: number;
  now?: () => number;
  /** told the number of busy slots whenever it changes (0 once every slot is idle again) */
  onBusyChange?: (busySlots: number) => void;
}

export class SlotPool {
  private readonly slots: Slot[];
  private readonly waiters: Waiter[] = [];
  private readonly maxSkips: number;
  private readonly now: () => number;
  private readonly onBusyChange: (busySlots: number) => void;
  private reportedBusy = 0;

  constructor(
    slots: SlotInfo[],
    private readonly load: ModelLoader,
    options: SlotPoolOptions = {},
  ) {
    if (!slots.length) throw new RangeError('a slot pool needs at least one slot');
    this.maxSkips = options.maxSkips ?? 4;
    this.now = options.now ?? Date.now;
    this.onBusyChange = options.onBusyChange ?? (() => undefined);
    this.slots = slots.map((s) => ({
      ...s,
      model: null,
      busy: false,
      running: 0,
      loads: 0,
      lastLoadMs: null,
      served: 0,
      busyMs: 0,
      lastUsed: 0,
      busySince: null,
    }));
  }

  /** Slots named after the devices, or `count` host slots when there are none. */
  static slotsFor(devices: readonly string[], count: number): SlotInfo[] {
    return devices.length
      ? devices.map((device) => ({ id: `gpu${device}`, device }))
      : Array.from({ length: count }, (_, i) => ({ id: `host${i}`, device: null }));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Waits for a slot holding `profile`'s model (loading it when it must). */
  acquire(profile: string, options: AcquireOptions = {}): Promise<SlotLease> {
    return new Promise<SlotLease>((resolve, reject) => {
      if (options.signal?.aborted) return reject(abortError(options.signal));
      const waiter: Waiter = {
        profile,
        batchKey: options.batchKey ?? null,
        maxBatch: Math.max(1, options.maxBatch ?? 1),
        skips: 0,
        resolve,
        reject,
        signal: options.signal,
      };
      if (options.signal) {
        const signal = options.signal;
        waiter.onAbort = () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          reject(abortError(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.dispatch();
    });
  }

  snapshot(): SlotSnapshot[] {
    const now = this.now();
    return this.slots.map((s) => ({
      id: s.id,
      device: s.device,
      model: s.model,
      busy: s.busy,
      running: s.running,
      loads: s.loads,
      lastLoadMs: s.lastLoadMs,
      served: s.served,
      busyMs: s.busyMs + (s.busySince === null ? 0 : now - s.busySince),
    }));
  }

  /** Waiters not yet holding a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  private dispatch(): void {
    for (;;) {
      const idle = this.slots.filter((s) => !s.busy);
      if (!idle.length || !this.waiters.length) break;
      const { slot, waiter } = this.pick(idle);
      // everyone who arrived earlier was passed over once more
      for (const w of this.waiters.slice(0, this.waiters.indexOf(waiter))) w.skips++;
      const group = [waiter, ...this.batchmates(waiter)];
      for (const w of group) this.waiters.splice(this.waiters.indexOf(w), 1);
      void this.grant(slot, waiter.profile, group);
    }
    // After the loop, so a slot freed and at once taken again is not reported as a dip to idle.
    const busy = this.slots.filter((s) => s.busy).length;
    if (busy !== this.reportedBusy) {
      this.reportedBusy = busy;
      this.onBusyChange(busy);
    }
  }

  /** The earliest waiter whose model a free slot holds, unless someone has waited too long. */
  private pick(idle: Slot[]): { slot: Slot; waiter: Waiter } {
    const head = this.waiters[0];
    if (head.skips < this.maxSkips) {
      for (const waiter of this.waiters) {
        const warm = idle.find((s) => s.model === waiter.profile);
        if (warm) return { slot: warm, waiter };
      }
    }
    const warm = idle.find((s) => s.model === head.profile);
    if (warm) return { slot: warm, waiter: head };
    // A slot holding nothing first, then the one idle longest (its model is the least likely wanted).
    const empty = idle.find((s) => s.model === null);
    return { slot: empty ?? [...idle].sort((a, b) => a.lastUsed - b.lastUsed)[0], waiter: head };
  }

  private batchmates(first: Waiter): Waiter[] {
    if (first.batchKey === null || first.maxBatch < 2) return [];
    return this.waiters.filter((w) => w !== first && w.batchKey === first.batchKey).slice(0, first.maxBatch - 1);
  }

  private async grant(slot: Slot, profile: string, group: Waiter[]): Promise<void> {
    slot.busy = true;
    slot.busySince = this.now();
    slot.running = group.length;
    for (const w of group) if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
    const info: SlotInfo = { id: slot.id, device: slot.device };
    if (slot.model !== profile) {
      const previous = slot.model;
      const started = this.now();
      try {
        slot.model = null;
        await this.load(info, profile, previous);
        slot.model = profile;
        slot.loads++;
        slot.lastLoadMs = this.now() - started;
      } catch (error) {
        for (const w of group) w.reject(error);
        this.free(slot);
        return;
      }
    }
    slot.served++;
    const batch = new BatchGroup(group.length);
    group.forEach((w, member) => {
      let released = false;
      w.resolve({
        slot: info,
        batchSize: group.length,
        submit: (request, run) => batch.submit(member, request, run),
        release: () => {
          if (released) return;
          released = true;
          batch.leave(member);
          if (--slot.running === 0) this.free(slot);
        },
      });
    });
  }

  private free(slot: Slot): void {
    const now = this.now();
    if (slot.busySince !== null) slot.busyMs += now - slot.busySince;
    slot.busy = false;
    slot.busySince = null;
    slot.running = 0;
    slot.lastUsed = now;
    this.dispatch();
  }
}

function abortError(signal: AbortSignal): Error {
  const error = new Error('gave up waiting for a slot', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}
