import { Logger } from '@nestjs/common';
import { type Job as BullJob, UnrecoverableError } from 'bullmq';
import { mock } from 'jest-mock-extended';
import { Subject } from 'rxjs';
import { AppError, Errors, type Job } from '@app/domain';
import { type JobChangeNotice, type JobChangeNotifier, type JobRepository, newJobId } from '@app/persistence';
import { aJob, withJobRows } from '@app/testing';
import { type StepName, StepRunner } from './step-runner.service';

function setup(row: Job | null) {
  const jobs = mock<JobRepository>();
  const { rows } = withJobRows(jobs, ...(row ? [row] : []));
  const changes = new Subject<JobChangeNotice>();
  // Assigned, not passed to mock(): jest-mock-extended wraps object-valued initial properties in a
  // proxy, and a wrapped observable never delivers.
  const notifier = Object.assign(mock<JobChangeNotifier>(), { changes$: changes.asObservable() });
  const runner = new StepRunner(jobs, notifier);
  runner.onModuleInit();
  return { runner, jobs, changes, rows };
}

/** The BullMQ job as a worker hands it over: how many attempts it has had and may have. */
function attempt(attemptsMade: number, attempts: number | undefined): BullJob {
  return mock<BullJob>({ id: 'job.step', attemptsMade, opts: { attempts } });
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the run to throw');
    },
    (error: unknown) => error,
  );
}

describe(StepRunner.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  const live = () =>
    aJob({
      id: newJobId(),
      status: 'generating',
      music: { status: 'running', progress: 10 },
    });
  const refOf = (job: Job) => ({ tenantId: job.tenantId, jobId: job.id });

  it.each(['completed', 'failed', 'cancelled'] as const)(
    'returns undefined without working or writing when the job is already %s',
    async (status) => {
      const row = aJob({ id: newJobId(), status });
      const { runner, jobs } = setup(row);
      const work = jest.fn();
      await expect(runner.run('scene', attempt(0, 3), refOf(row), work)).resolves.toBeUndefined();
      expect(work).not.toHaveBeenCalled();
      expect(jobs.update).not.toHaveBeenCalled();
    },
  );

  it('gives up for good when the row does not exist', async () => {
    const { runner } = setup(null);
    const work = jest.fn();
    const error = await thrown(runner.run('plan', attempt(0, 3), { tenantId: 'tenantA', jobId: newJobId() }, work));
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(work).not.toHaveBeenCalled();
  });

  it("hands the work the live row and returns the work's result", async () => {
    const row = live();
    const { runner, rows } = setup(row);
    const result = await runner.run('music', attempt(0, 3), refOf(row), async (job) => `made for ${job.id}`);
    expect(result).toBe(`made for ${row.id}`);
    expect(rows.get(row.id)).toEqual(row);
  });

  it('aborts the signal of work in flight when a change notice says the job turned terminal', async () => {
    const row = live();
    const { runner, changes, jobs } = setup(row);
    let seen: AbortSignal | undefined;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const work = (_job: Job, signal: AbortSignal) =>
      new Promise<string>((_resolve, reject) => {
        seen = signal;
        signal.addEventListener('abort', () => reject(signal.reason));
        started();
      });
    const result = runner.run('compose', attempt(0, 2), refOf(row), work);
    await running;
    changes.next({ tenantId: row.tenantId, id: newJobId(), version: 9, status: 'cancelled' });
    changes.next({ tenantId: row.tenantId, id: row.id, version: 7, status: 'composing' });
    expect(seen?.aborted).toBe(false);
    changes.next({ tenantId: row.tenantId, id: row.id, version: 8, status: 'cancelled' });
    expect(seen?.aborted).toBe(true);
    await expect(result).resolves.toBeUndefined();
    expect(jobs.update).not.toHaveBeenCalled();
  });

  it('rethrows a retryable failure that is not the last attempt and leaves the row alone', async () => {
    const row = live();
    const { runner, jobs } = setup(row);
    const boom = new Error('ECONNRESET');
    expect(await thrown(runner.run('scene', attempt(0, 3), refOf(row), () => Promise.reject(boom)))).toBe(boom);
    const limited = new AppError(Errors.providerRateLimited, 'slow down');
    expect(await thrown(runner.run('scene', attempt(1, 3), refOf(row), () => Promise.reject(limited)))).toBe(limited);
    expect(jobs.update).not.toHaveBeenCalled();
  });

  it("marks the row failed with the AppError's code on the final attempt and throws UnrecoverableError", async () => {
    const row = live();
    const { runner, rows } = setup(row);
    const error = await thrown(
      runner.run('scene', attempt(2, 3), refOf(row), () =>
        Promise.reject(new AppError(Errors.providerRateLimited, 'still rate limited after 3 tries')),
      ),
    );
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('still rate limited after 3 tries');
    const failed = rows.get(row.id)!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({ code: 'PROVIDER.RATE_LIMITED', message: 'still rate limited after 3 tries' });
    expect(failed.music.status).toBe('cancelled');
  });

  it.each<[StepName, string]>([
    ['plan', 'PLANNER.FAILED'],
    ['keyframes', 'SCENE.GENERATION_FAILED'],
    ['scene', 'SCENE.GENERATION_FAILED'],
    ['music', 'MUSIC.GENERATION_FAILED'],
    ['compose', 'COMPOSE.FAILED'],
  ])("marks the row failed with %s's default code %s for a plain Error on the final attempt", async (step, code) => {
    const row = live();
    const { runner, rows } = setup(row);
    const error = await thrown(
      runner.run(step, attempt(0, 1), refOf(row), () => Promise.reject(new Error('disk full'))),
    );
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(rows.get(row.id)!.error).toEqual({ code, message: 'disk full' });
  });

  it('treats a job without an attempts option as on its only attempt', async () => {
    const row = live();
    const { runner, rows } = setup(row);
    await thrown(runner.run('music', attempt(0, undefined), refOf(row), () => Promise.reject(new Error('x'))));
    expect(rows.get(row.id)!.status).toBe('failed');
  });

  it('fails at once on a non-retryable AppError even with attempts left', async () => {
    const row = live();
    const { runner, rows } = setup(row);
    const error = await thrown(
      runner.run('plan', attempt(0, 3), refOf(row), () =>
        Promise.reject(new AppError(Errors.invalidStoryboard, 'the storyboard breaks 1 rule(s)')),
      ),
    );
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(rows.get(row.id)!.error?.code).toBe('PLANNER.INVALID_STORYBOARD');
  });

  it("fails at once with the step's code when the work throws UnrecoverableError", async () => {
    const row = live();
    const { runner, rows } = setup(row);
    await thrown(
      runner.run('compose', attempt(0, 2), refOf(row), () => Promise.reject(new UnrecoverableError('bad clip'))),
    );
    expect(rows.get(row.id)!.error).toEqual({ code: 'COMPOSE.FAILED', message: 'bad clip' });
  });

  it('returns undefined without writing when the work finds the job terminal (JOB.TERMINAL)', async () => {
    const row = live();
    const { runner, jobs } = setup(row);
    const result = await runner.run('scene', attempt(2, 3), refOf(row), () =>
      Promise.reject(new AppError(Errors.jobTerminal, `job ${row.id} is already cancelled`)),
    );
    expect(result).toBeUndefined();
    expect(jobs.update).not.toHaveBeenCalled();
  });

  it('still gives up for good when the row turned terminal before its failure could be written', async () => {
    const row = live();
    const { runner, jobs } = setup(row);
    jobs.update.mockRejectedValue(new AppError(Errors.jobTerminal, 'already cancelled'));
    const error = await thrown(runner.run('music', attempt(2, 3), refOf(row), () => Promise.reject(new Error('x'))));
    expect(error).toBeInstanceOf(UnrecoverableError);
  });
});
