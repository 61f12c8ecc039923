import { type WorkerOptions } from 'bullmq';

/**
 * A step whose worker died under it is run again, up to this many times: a rolling deploy or a
 * lost node must not fail a job (a long step may live through several), while a step that kills
 * its worker every time (out of memory) ends failed instead of taking workers down forever. The
 * plan tier's recovery then fails the job's row with JOB.INTERRUPTED.
 */
export const MAX_STALLS = 5;

/**
 * A step's lock (WORKER_LOCK_MS, 60 s by default) outlives a Redis failover: while Redis is away the
 * worker cannot renew it, and a lock that expired meanwhile lets another worker start the same paid
 * step ("could not renew lock", "Missing lock"). The price: work held by a crashed worker is picked
 * up again one lock later. Stalled jobs are looked for every half lock; ffmpeg runs in child
 * processes, so the event loop is always free to renew.
 */
export function workerOptions(
  lockMs: number,
): Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  return { lockDuration: lockMs, stalledInterval: Math.round(lockMs / 2), maxStalledCount: MAX_STALLS };
}
