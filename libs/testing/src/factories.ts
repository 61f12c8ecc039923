import { type Brief, briefSchema, type BriefInput, type Job } from '@app/domain';

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
