/**
 * The metrics the GPU fleets scale on: the deployment (infra/cdk) scales on them and the workers
 * publish them, both from these names. Per model profile, from BullMQ's job counts of the queue
 * that profile's scene workers take work from:
 *
 * - `SceneBacklogPerTask{Profile}`: waiting + delayed + active jobs over the live workers serving
 *   the profile (at least 1). Target tracking keeps it at the fleet's `backlogPerTask`.
 * - `SceneBacklogWithoutWorkers{Profile}`: the backlog while no worker serves the profile, else 0.
 *   Target tracking cannot start a fleet that has scaled to zero (capacity times a ratio stays
 *   zero), so a step policy adds the first task on it.
 */
export const SCALING_METRICS = {
  namespace: 'Reelsmith',
  backlogPerTask: 'SceneBacklogPerTask',
  backlogWithoutWorkers: 'SceneBacklogWithoutWorkers',
  profileDimension: 'Profile',
} as const;

/** The BullMQ states that count as backlog (prioritized jobs are waiting jobs with a priority). */
export const BACKLOG_STATES = ['waiting', 'prioritized', 'delayed', 'active'] as const;

/** One profile's queue as read at one moment. */
export interface ProfileBacklog {
  profile: string;
  /** waiting + delayed + active jobs of its queue */
  backlog: number;
  /** live workers taking work from that queue */
  workers: number;
}

export interface ScalingDatum {
  metricName: (typeof SCALING_METRICS)['backlogPerTask' | 'backlogWithoutWorkers'];
  profile: string;
  value: number;
}

/** The two scaling values of each profile. */
export function scalingDatums(readings: readonly ProfileBacklog[]): ScalingDatum[] {
  return readings.flatMap(({ profile, backlog, workers }) => [
    { metricName: SCALING_METRICS.backlogPerTask, profile, value: backlog / Math.max(1, workers) },
    { metricName: SCALING_METRICS.backlogWithoutWorkers, profile, value: workers === 0 ? backlog : 0 },
  ]);
}
