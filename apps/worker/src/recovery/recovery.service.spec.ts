import { Logger } from '@nestjs/common';
import { type Job as BullJob, type JobState, type Queue } from 'bullmq';
import { mock, type MockProxy } from 'jest-mock-extended';
import { type Job } from '@app/domain';
import { type JobRepository, newJobId } from '@app/persistence';
import { JobName, STEP_OPTIONS } from '@app/pipeline';
import { aJob } from '@app/testing';
import { type StepRunner } from '../steps/step-runner.service';
import { RecoveryService } from './recovery.service';

/** A BullMQ job as Redis holds it after a restart: its state and, when it failed, why. */
function work(state: JobState, failedReason = ''): MockProxy<BullJob> {
  const job = mock<BullJob>({ failedReason });
  job.getState.mockResolvedValue(state);
  job.remove.mockResolvedValue(undefined);
  return job;
}

function setup(rows: Job[]) {
  const jobs = mock<JobRepository>();
  const steps = mock<StepRunner>();
  const planQueue = mock<Queue>();
  const composeQueue = mock<Queue>();
  const assetQueue = mock<Queue>();
  jobs.listActive.mockResolvedValue(rows.map((r) => ({ tenantId: r.tenantId, id: r.id })));
  jobs.get.mockImplementation(async (tenantId, id) => rows.find((r) => r.tenantId === tenantId && r.id === id) ?? null);
  // Nothing in Redis unless a test puts it there.
  planQueue.getJob.mockResolvedValue(undefined);
  composeQueue.getJob.mockResolvedValue(undefined);
  assetQueue.getJob.mockResolvedValue(undefined);
  const service = new RecoveryService(jobs, steps, planQueue, composeQueue, assetQueue);
  return { service, jobs, steps, planQueue, composeQueue, assetQueue };
}

/** Puts `job` under its deterministic id in `queue`, as the pipeline would have added it. */
function holds(queue: MockProxy<Queue>, id: string, job: BullJob) {
  queue.getJob.mockImplementation(async (asked) => (asked === id ? job : undefined));
}

describe(RecoveryService.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  const live = (status: Job['status'] = 'generating') => aJob({ id: newJobId(), tenantId: 'tenantA', status });

  it('fails a live row with JOB.INTERRUPTED and the reason when its compose job failed', async () => {
    const row = live();
    const { service, steps, planQueue, composeQueue } = setup([row]);
    holds(composeQueue, `${row.id}.compose`, work('failed', 'scene 2 failed: PROVIDER.REJECTED'));
    await service.recover();
    expect(steps.fail).toHaveBeenCalledTimes(1);
    expect(steps.fail).toHaveBeenCalledWith(
      { tenantId: 'tenantA', jobId: row.id },
      'JOB.INTERRUPTED',
      'recovered after a restart: scene 2 failed: PROVIDER.REJECTED',
    );
    expect(planQueue.add).not.toHaveBeenCalled();
  });

  it('fails a live row whose plan job failed and that never got a compose job', async () => {
    const row = live('planning');
    const { service, steps, planQueue } = setup([row]);
    holds(planQueue, `${row.id}.plan`, work('failed', 'PLANNER.TIMEOUT'));
    await service.recover();
    expect(steps.fail).toHaveBeenCalledWith(
      expect.anything(),
      'JOB.INTERRUPTED',
      expect.stringContaining('PLANNER.TIMEOUT'),
    );
    expect(planQueue.add).not.toHaveBeenCalled();
  });

  it.each(['queued', 'planning', 'generating', 'composing'] as const)(
    're-enqueues plan under its deterministic id when a %s row has no work in Redis',
    async (status) => {
      const row = live(status);
      const { service, steps, planQueue } = setup([row]);
      await service.recover();
      expect(planQueue.add).toHaveBeenCalledTimes(1);
      expect(planQueue.add).toHaveBeenCalledWith(
        JobName.Plan,
        { tenantId: 'tenantA', jobId: row.id },
        { ...STEP_OPTIONS[JobName.Plan], jobId: `${row.id}.plan` },
      );
      expect(steps.fail).not.toHaveBeenCalled();
    },
  );

  it('re-enqueues a live single asset on the asset queue, never planning it', async () => {
    const row: Job = { ...live(), kind: 'asset' };
    const { service, planQueue, assetQueue } = setup([row]);
    await service.recover();
    expect(assetQueue.add).toHaveBeenCalledWith(
      JobName.Asset,
      { tenantId: 'tenantA', jobId: row.id },
      expect.objectContaining({ jobId: `${row.id}.asset` }),
    );
    expect(planQueue.add).not.toHaveBeenCalled();
  });

  it('removes a stale completed plan job before re-enqueueing plan when no compose job exists', async () => {
    const row = live();
    const { service, planQueue, steps } = setup([row]);
    const stale = work('completed');
    holds(planQueue, `${row.id}.plan`, stale);
    await service.recover();
    expect(stale.remove).toHaveBeenCalledTimes(1);
    expect(planQueue.add).toHaveBeenCalledWith(
      JobName.Plan,
      { tenantId: 'tenantA', jobId: row.id },
      expect.objectContaining({ jobId: `${row.id}.plan` }),
    );
    // Otherwise BullMQ would keep the old job under that id and ignore the add.
    expect(stale.remove.mock.invocationCallOrder[0]).toBeLessThan(planQueue.add.mock.invocationCallOrder[0]);
    expect(steps.fail).not.toHaveBeenCalled();
  });

  it('fails a live row with JOB.INTERRUPTED when its compose job completed and enqueues nothing', async () => {
    const row = live('composing');
    const { service, steps, planQueue, composeQueue } = setup([row]);
    holds(composeQueue, `${row.id}.compose`, work('completed'));
    await service.recover();
    expect(steps.fail).toHaveBeenCalledWith(
      { tenantId: 'tenantA', jobId: row.id },
      'JOB.INTERRUPTED',
      'the job was interrupted after composing; submit it again',
    );
    expect(planQueue.add).not.toHaveBeenCalled();
  });

  it.each(['waiting', 'active', 'delayed', 'waiting-children', 'prioritized'] as const)(
    'leaves a row alone whose compose job is %s',
    async (state) => {
      const row = live();
      const { service, steps, planQueue, composeQueue } = setup([row]);
      holds(composeQueue, `${row.id}.compose`, work(state));
      await service.recover();
      expect(steps.fail).not.toHaveBeenCalled();
      expect(planQueue.add).not.toHaveBeenCalled();
    },
  );

  it.each(['waiting', 'active', 'delayed'] as const)('leaves a row alone whose plan job is %s', async (state) => {
    const row = live('queued');
    const { service, steps, planQueue } = setup([row]);
    const plan = work(state);
    holds(planQueue, `${row.id}.plan`, plan);
    await service.recover();
    expect(steps.fail).not.toHaveBeenCalled();
    expect(planQueue.add).not.toHaveBeenCalled();
    expect(plan.remove).not.toHaveBeenCalled();
  });

  it('skips a row that vanished between the index and the read, and still recovers the others', async () => {
    const gone = live();
    const row = live();
    const { service, jobs, planQueue, composeQueue, steps } = setup([row]);
    jobs.listActive.mockResolvedValue([
      { tenantId: 'tenantA', id: gone.id },
      { tenantId: 'tenantA', id: row.id },
    ]);
    await service.recover();
    expect(planQueue.getJob).not.toHaveBeenCalledWith(`${gone.id}.plan`);
    expect(composeQueue.getJob).not.toHaveBeenCalledWith(`${gone.id}.compose`);
    expect(planQueue.add).toHaveBeenCalledTimes(1);
    expect(planQueue.add).toHaveBeenCalledWith(JobName.Plan, { tenantId: 'tenantA', jobId: row.id }, expect.anything());
    expect(steps.fail).not.toHaveBeenCalled();
  });
});
