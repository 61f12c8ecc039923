import { type Job as BullJob } from 'bullmq';

/** What runs one queue's jobs: a step of the pipeline (see steps/). */
export interface StepHandler {
  handle(job: BullJob): Promise<unknown>;
}
