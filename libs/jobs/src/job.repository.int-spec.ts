import { type AppConfig } from '@app/config';
import { AppError, ErrorCodes, InvalidTransitionError } from '@app/domain';
import { aJob, startTestEnv, type TestEnv } from '@app/testing';
import { firstValueFrom, take, toArray } from 'rxjs';
import { createDynamoClient } from './dynamo.client';
import { JobChangeNotifier } from './job-change.notifier';
import { newJobId } from './job-id';
import { JobRepository } from './job.repository';

describe(JobRepository.name, () => {
  let env: TestEnv;
  let config: AppConfig;
  let notifier: JobChangeNotifier;
  let repo: JobRepository;

  beforeAll(async () => {
    env = await startTestEnv();
    config = env.config;
    notifier = new JobChangeNotifier(config);
    repo = new JobRepository(createDynamoClient(config.dynamodb), config, notifier);
  });
  afterAll(async () => {
    await notifier.onModuleDestroy();
    await env.close();
  });

  it('creates a row once and refuses a second create with the same id', async () => {
    const job = aJob({ id: newJobId() });
    await repo.create(job);
    await expect(repo.create(job)).rejects.toMatchObject({ code: ErrorCodes.conflict });
    expect(await repo.get('tenantA', job.id)).toEqual(job);
  });

  it('hides a job from another tenant', async () => {
    const job = aJob({ id: newJobId() });
    await repo.create(job);
    expect(await repo.get('tenantB', job.id)).toBeNull();
  });

  it('bumps the version on every update and publishes a notice for it', async () => {
    const job = aJob({ id: newJobId() });
    await repo.create(job);
    const notices = firstValueFrom(notifier.changes$.pipe(take(2), toArray()));
    await new Promise((r) => setTimeout(r, 100)); // let the subscription reach Redis
    await repo.update('tenantA', job.id, (j) => void (j.status = 'planning'));
    const updated = await repo.update('tenantA', job.id, (j) => void (j.status = 'generating'));
    expect(updated.version).toBe(3);
    expect((await notices).map((n) => [n.version, n.status])).toEqual([
      [2, 'planning'],
      [3, 'generating'],
    ]);
  });

  it('applies concurrent updates without losing any (conditional writes, re-read on conflict)', async () => {
    const job = aJob({
      id: newJobId(),
      status: 'generating',
      scenes: Array.from({ length: 8 }, (_, index) => ({
        index,
        status: 'pending' as const,
        progress: 0,
        durationSec: 3,
        chain: index,
        seededFrom: null,
        startedAt: null,
        finishedAt: null,
        clipKey: null,
      })),
    });
    await repo.create(job);
    await Promise.all(
      job.scenes.map((s) =>
        repo.update('tenantA', job.id, (j) => {
          j.scenes[s.index].status = 'completed';
          j.scenes[s.index].progress = 100;
        }),
      ),
    );
    const final = await repo.get('tenantA', job.id);
    expect(final!.scenes.every((s) => s.status === 'completed')).toBe(true);
    expect(final!.version).toBe(1 + 8);
  });

  it('never changes a terminal row', async () => {
    const job = aJob({ id: newJobId() });
    await repo.create(job);
    await repo.update('tenantA', job.id, (j) => void (j.status = 'cancelled'));
    const error = await repo.update('tenantA', job.id, (j) => void (j.status = 'planning')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ErrorCodes.terminal);
    expect((await repo.get('tenantA', job.id))!.status).toBe('cancelled');
  });

  it('rejects a transition the status machine forbids', async () => {
    const job = aJob({ id: newJobId() });
    await repo.create(job);
    await expect(repo.update('tenantA', job.id, (j) => void (j.status = 'completed'))).rejects.toBeInstanceOf(
      InvalidTransitionError,
    );
  });

  it('keeps progress monotonic whatever a writer sets', async () => {
    const job = aJob({ id: newJobId(), status: 'composing', progress: 90 });
    await repo.create(job);
    const updated = await repo.update('tenantA', job.id, (j) => void (j.progress = 10));
    expect(updated.progress).toBe(90);
  });

  it('lists a tenant newest first, page by page, with a cursor bound to the tenant', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const id = newJobId(Date.now() + 1000 * 60 * 60 * 24 * 365 + i); // sorts above the other tests' jobs
      ids.push(id);
      await repo.create(aJob({ id, tenantId: 'lister' }));
    }
    const first = await repo.list('lister', 2, null);
    expect(first.items.map((j) => j.id)).toEqual([ids[4], ids[3]]);
    const second = await repo.list('lister', 2, first.nextCursor);
    expect(second.items.map((j) => j.id)).toEqual([ids[2], ids[1]]);
    const third = await repo.list('lister', 2, second.nextCursor);
    expect(third.items.map((j) => j.id)).toEqual([ids[0]]);
    expect(third.nextCursor).toBeNull();
    await expect(repo.list('tenantA', 2, first.nextCursor)).rejects.toMatchObject({ code: ErrorCodes.validation });
    await expect(repo.list('lister', 2, 'garbage')).rejects.toMatchObject({ code: ErrorCodes.validation });
  });

  it('finds live jobs through the active index and forgets them once terminal', async () => {
    const live = aJob({ id: newJobId(), tenantId: 'active-test' });
    const done = aJob({ id: newJobId(), tenantId: 'active-test' });
    await repo.create(live);
    await repo.create(done);
    await repo.update('active-test', done.id, (j) => void (j.status = 'failed'));
    const active = (await repo.listActive()).filter((r) => r.tenantId === 'active-test');
    expect(active).toEqual([{ tenantId: 'active-test', id: live.id }]);
  });

  it('claims an idempotency key once and returns the first claim afterwards', async () => {
    expect(await repo.claimIdempotencyKey('tenantA', 'k-1', { jobId: 'J1', requestHash: 'h' })).toBeNull();
    expect(await repo.claimIdempotencyKey('tenantA', 'k-1', { jobId: 'J2', requestHash: 'h2' })).toEqual({
      jobId: 'J1',
      requestHash: 'h',
    });
    expect(await repo.claimIdempotencyKey('tenantB', 'k-1', { jobId: 'J3', requestHash: 'h' })).toBeNull();
  });
});
