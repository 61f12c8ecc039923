import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { type Job } from '@app/domain';
import { createDynamoClient, JobChangeNotifier, JobRepository, newJobId } from '@app/persistence';
import { aJob, startTestEnv, type TestEnv } from '@app/testing';
import { JobEventsService } from './job-events.service';

/** A real repository that counts the row reads the SSE fan-out makes. */
class CountingRepository extends JobRepository {
  reads = 0;
  override get(tenantId: string, id: string): Promise<Job | null> {
    this.reads++;
    return super.get(tenantId, id);
  }
}

describe(JobEventsService.name, () => {
  let env: TestEnv;
  let notifier: JobChangeNotifier;
  let writer: JobRepository;
  let reader: CountingRepository;
  let events: JobEventsService;

  beforeAll(async () => {
    env = await startTestEnv({ SSE_HEARTBEAT_MS: '60000' });
    notifier = new JobChangeNotifier(env.config);
    const db = createDynamoClient(env.config.dynamodb);
    writer = new JobRepository(db, env.config, notifier);
    reader = new CountingRepository(db, env.config, notifier);
    events = new JobEventsService(reader, notifier, env.config);
  });
  afterAll(async () => {
    await notifier.onModuleDestroy();
    await env.close();
  });

  it('reads the row once per change for all watchers of a job, in version order, ending after the terminal one', async () => {
    const job = aJob({ id: newJobId() });
    await writer.create(job);
    const watchers = Array.from({ length: 25 }, () => lastValueFrom(events.watch(job, null).pipe(toArray())));
    await new Promise((r) => setTimeout(r, 200)); // the shared subscription reaches Redis
    reader.reads = 0;
    for (const status of ['planning', 'generating', 'cancelled'] as const) {
      await writer.update(job.tenantId, job.id, (j) => void (j.status = status));
      await new Promise((r) => setTimeout(r, 150)); // a dashboard-paced change
    }
    const seen = await Promise.all(watchers);
    for (const stream of seen) {
      const jobs = stream.flatMap((e) => (e.kind === 'job' ? [e.job] : []));
      expect(jobs.map((j) => [j.version, j.status])).toEqual([
        [1, 'queued'],
        [2, 'planning'],
        [3, 'generating'],
        [4, 'cancelled'],
      ]);
    }
    expect(reader.reads).toBe(3); // 3 changes, 25 watchers
  });

  it('never reads more than once per change in a burst, and still ends on the terminal snapshot', async () => {
    const job = aJob({ id: newJobId() });
    await writer.create(job);
    const watchers = Array.from({ length: 10 }, () => lastValueFrom(events.watch(job, null).pipe(toArray())));
    await new Promise((r) => setTimeout(r, 200));
    reader.reads = 0;
    await writer.update(job.tenantId, job.id, (j) => void (j.status = 'planning'));
    await writer.update(job.tenantId, job.id, (j) => void (j.status = 'generating'));
    await writer.update(job.tenantId, job.id, (j) => void (j.status = 'cancelled'));
    for (const stream of await Promise.all(watchers)) {
      // A read that finds a newer row than its notice delivers that; older snapshots no longer exist.
      const versions = stream.flatMap((e) => (e.kind === 'job' ? [e.job.version] : []));
      versions.slice(1).forEach((v, i) => expect(v).toBeGreaterThan(versions[i]));
      expect(versions[versions.length - 1]).toBe(4);
    }
    expect(reader.reads).toBeGreaterThanOrEqual(1);
    expect(reader.reads).toBeLessThanOrEqual(3);
  });

  it('resumes after Last-Event-ID with newer snapshots only', async () => {
    const job = aJob({ id: newJobId() });
    await writer.create(job);
    const v2 = await writer.update(job.tenantId, job.id, (j) => void (j.status = 'planning'));
    const first = firstValueFrom(events.watch(v2, 2).pipe(take(1)));
    await new Promise((r) => setTimeout(r, 200));
    await writer.update(job.tenantId, job.id, (j) => void (j.status = 'generating'));
    const event = await first;
    expect(event.kind === 'job' && event.job.version).toBe(3);
  });

  it('sends heartbeats while the job is live', async () => {
    const fast = new JobEventsService(reader, notifier, { ...env.config, sseHeartbeatMs: 50 });
    const job = aJob({ id: newJobId() });
    await writer.create(job);
    const kinds = await firstValueFrom(fast.watch(job, 1).pipe(take(2), toArray()));
    expect(kinds.map((e) => e.kind)).toEqual(['heartbeat', 'heartbeat']);
  });
});
