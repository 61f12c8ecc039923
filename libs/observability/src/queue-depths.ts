import { type Queue } from 'bullmq';
import { metrics } from './metrics';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Sets the queue gauges from BullMQ's counts: jobs per state, and how long the oldest waiting job has waited. */
export async function refreshQueueDepths(queues: Queue[], now = Date.now()): Promise<void> {
  await Promise.all(
    queues.map(async (queue) => {
      const counts = await queue.getJobCounts(...STATES);
      for (const state of STATES) metrics.queueJobs.set({ queue: queue.name, state }, counts[state] ?? 0);
      const [oldest] = await queue.getWaiting(-1, -1);
      metrics.oldestWaitingAge.set({ queue: queue.name }, oldest ? Math.max(0, (now - oldest.timestamp) / 1000) : 0);
    }),
  );
}
