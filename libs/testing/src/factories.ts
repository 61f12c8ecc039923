import {
  type Brief,
  briefSchema,
  type BriefInput,
  type Job,
  type JobSchedule,
  planned,
  planningStarted,
  planSchedule,
  type Storyboard,
} from '@app/domain';
import { type ModelRegistry } from '@app/generation';
import { newJobId } from '@app/persistence';

export function aBrief(overrides: Partial<BriefInput> = {}): Brief {
  return briefSchema.parse({
    brief: 'A six-second bumper for a bakery and its new sourdough loaf.',
    durationSec: 6,
    ...overrides,
  });
}

export function aJob(overrides: Partial<Job> = {}): Job {
  const now = new Date().toISOString();
  return {
    tenantId: 'tenantA',
    id: '01JTESTJOB0000000000000000',
    status: 'queued',
    progress: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
    brief: aBrief(),
    scenes: [],
    music: { status: 'pending', progress: 0 },
    outputs: [],
    error: null,
    stages: {},
    backends: null,
    planning: null,
    cancelRequested: false,
    ...overrides,
  };
}

/** The registry with one profile billed per call (a priced keyframe or music model), the rest as they are. */
export function withCallPrice(registry: ModelRegistry, profile: string, perCallUsd: number): ModelRegistry {
  const priced = { ...registry.get(profile), price: { perCallUsd } };
  return {
    ...registry,
    get: (name) => (name === profile ? priced : registry.get(name)),
    find: (name) => (name === profile ? priced : registry.find(name)),
  };
}

/**
 * A job row as the plan step leaves it: generating, its scenes laid out on `video_default` (anchored
 * on keyframes when `anchored`), nothing reported about the planner.
 */
export function aPlannedJob(
  storyboard: Storyboard,
  brief: Brief,
  opts: { anchored?: boolean; musicEnabled?: boolean; estimatedCostUsd?: number; overrides?: Partial<Job> } = {},
): { row: Job; schedule: JobSchedule } {
  const anchored = opts.anchored ?? false;
  const schedule = planSchedule(
    storyboard.scenes,
    () => ({ profile: 'video_default', firstAndLastFrame: anchored }),
    anchored,
  );
  const row = aJob({ id: newJobId(), status: 'queued', brief, ...opts.overrides });
  planningStarted()(row);
  planned({
    schedule,
    scenes: storyboard.scenes,
    musicEnabled: opts.musicEnabled ?? false,
    planning: null,
    unreported: {
      planner: 'template',
      model: null,
      promptTokens: 0,
      completionTokens: 0,
      latencyMs: 0,
      calls: 0,
      repaired: false,
    },
    backends: { video: 'animatic', music: opts.musicEnabled ? 'stable-audio' : 'synth' },
    estimatedCostUsd: opts.estimatedCostUsd ?? 0,
  })(row);
  return { row, schedule };
}
