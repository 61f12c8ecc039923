import { type AppConfig } from '@app/config';
import { AppError, InvalidTransitionError, Errors } from '@app/domain';
import { aJob, startTestEnv, type TestEnv } from '@app/testing';
import { firstValueFrom, take, toArray } from 'rxjs';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient, ensureJobsTable } from './dynamo.client';
import { JobChangeNotifier } from './job-change.notifier';
import { newJobId } from './job-id';
import { JobRepository, type JobSearch } from './job.repository';
import { jobsTableDefinition, STATUS_INDEX } from './table.definition';

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
    await expect(repo.create(job)).rejects.toMatchObject({ code: Errors.jobConflict.code });
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
    expect((error as AppError).code).toBe(Errors.jobTerminal.code);
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
    await expect(repo.list('tenantA', 2, first.nextCursor)).rejects.toMatchObject({ code: Errors.requestInvalid.code });
    await expect(repo.list('lister', 2, 'garbage')).rejects.toMatchObject({ code: Errors.requestInvalid.code });
  });

  it('lists only the jobs in a status, filling each page across sparse matches', async () => {
    const statuses = ['completed', 'failed', 'failed', 'completed', 'queued', 'failed', 'completed'] as const;
    const ids = [];
    for (const [i, status] of statuses.entries()) {
      const id = newJobId(Date.now() + i);
      ids.push(id);
      await repo.create(aJob({ id, tenantId: 'filter', status }));
    }
    const failed = ids.filter((_, i) => statuses[i] === 'failed').reverse();
    const first = await repo.list('filter', 2, null, 'failed');
    expect(first.items.map((j) => j.id)).toEqual(failed.slice(0, 2));
    const rest = await repo.list('filter', 2, first.nextCursor, 'failed');
    expect(rest.items.map((j) => j.id)).toEqual(failed.slice(2));
    expect((await repo.list('filter', 10, null, 'cancelled')).items).toEqual([]);
    expect((await repo.list('filter', 10, null)).items).toHaveLength(statuses.length);
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

  it('adds a missing index to a table made before it, or says it could not (dynalite cannot)', async () => {
    const db = createDynamoClient(config.dynamodb);
    const table = `before-status-${process.pid}`;
    const current = jobsTableDefinition(table);
    await db.send(
      new CreateTableCommand({
        ...current,
        GlobalSecondaryIndexes: current.GlobalSecondaryIndexes!.filter((i) => i.IndexName !== STATUS_INDEX),
      }),
    );
    expect(await ensureJobsTable(db, table)).toEqual([STATUS_INDEX]);
    expect(await ensureJobsTable(db, config.dynamodb.table)).toEqual([]);
  });

  describe('search across tenants', () => {
    // a table of its own: the other tests' jobs would be found too
    let admin: JobRepository;
    const now = Date.now();
    const MIN = 60_000;
    const made: Array<{ id: string; tenantId: string }> = [];
    const search = (s: Partial<JobSearch>) =>
      admin.search({ statuses: [], limit: 100, cursor: null, ...s }).then((p) => ({
        ids: p.items.map((j) => j.id),
        nextCursor: p.nextCursor,
      }));
    const ids = (...which: number[]) => which.map((i) => made[i].id);

    beforeAll(async () => {
      const table = `admin-search-${process.pid}`;
      const db = createDynamoClient(config.dynamodb);
      await ensureJobsTable(db, table);
      admin = new JobRepository(db, { ...config, dynamodb: { ...config.dynamodb, table } }, notifier);
      // [tenant, status, created, last changed] (minutes ago)
      const rows = [
        ['tenantA', 'completed', 180, 120],
        ['tenantB', 'failed', 120, 90],
        ['tenantC', 'cancelled', 30, 29],
        ['tenantA', 'generating', 10, 5],
        ['tenantB', 'queued', 1, 1],
      ] as const;
      for (const [tenantId, status, created, changed] of rows) {
        const job = aJob({
          id: newJobId(now - created * MIN),
          tenantId,
          status,
          createdAt: new Date(now - created * MIN).toISOString(),
          updatedAt: new Date(now - changed * MIN).toISOString(),
        });
        await admin.create(job);
        made.push(job);
      }
      // one that moves through its statuses: the index follows it
      const moving = aJob({ id: newJobId(now - 100), tenantId: 'tenantC' });
      await admin.create(moving);
      await admin.update('tenantC', moving.id, (j) => void (j.status = 'planning'));
      await admin.update('tenantC', moving.id, (j) => void (j.status = 'failed'));
      made.push(moving);
    });

    it('lists every tenant’s jobs, live and finished, newest first', async () => {
      expect(await search({})).toEqual({ ids: ids(5, 4, 3, 2, 1, 0), nextCursor: null });
    });

    it('filters by one or several statuses, finished ones included, following status changes', async () => {
      expect((await search({ statuses: ['failed', 'cancelled'] })).ids).toEqual(ids(5, 2, 1));
      expect((await search({ statuses: ['completed'] })).ids).toEqual(ids(0));
      expect((await search({ statuses: ['queued'] })).ids).toEqual(ids(4));
      expect((await search({ statuses: ['planning', 'composing'] })).ids).toEqual([]);
    });

    it('filters by age: unchanged for at least N seconds, or created within N seconds', async () => {
      expect((await search({ olderThanSec: 3600 })).ids).toEqual(ids(1, 0));
      expect((await search({ olderThanSec: 20 * 60, statuses: ['cancelled', 'generating'] })).ids).toEqual(ids(2));
      expect((await search({ createdWithinSec: 15 * 60 })).ids).toEqual(ids(5, 4, 3));
      expect((await search({ createdWithinSec: 15 * 60, statuses: ['failed'] })).ids).toEqual(ids(5));
    });

    it('pages with a signed cursor that only this listing accepts', async () => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const page: { ids: string[]; nextCursor: string | null } = await search({ limit: 2, cursor });
        pages.push(page.ids);
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages).toEqual([ids(5, 4), ids(3, 2), ids(1, 0)]);
      const first = await search({ statuses: ['failed', 'cancelled', 'completed'], limit: 3 });
      expect(first.ids).toEqual(ids(5, 2, 1));
      const rest = await search({ statuses: ['failed', 'cancelled', 'completed'], limit: 3, cursor: first.nextCursor });
      expect(rest).toEqual({ ids: ids(0), nextCursor: null });
      // a tenant's history cursor is not an admin cursor, nor the other way round
      const history = await admin.list('tenantA', 1, null);
      await expect(search({ cursor: history.nextCursor })).rejects.toMatchObject({ code: Errors.requestInvalid.code });
      await expect(admin.list('tenantA', 1, first.nextCursor)).rejects.toMatchObject({
        code: Errors.requestInvalid.code,
      });
    });
  });
});
