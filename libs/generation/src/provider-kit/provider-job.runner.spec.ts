import { Errors } from '@app/domain';
import { type ProviderIntent, type ProviderJobRef, type StepOptions } from '../generation.ports';
import { ProviderError } from '../throughput/provider.errors';
import { type SemaphoreLease } from '../throughput/provider-semaphore.service';
import { type JobDriver, type JobSnapshot, runProviderJob } from './provider-job.runner';

const timing = { initialMs: 1, maxMs: 1, timeoutMs: 1_000 };
const intent: ProviderIntent = {
  provider: 'fake',
  endpoint: 'http://gpu-1',
  model: 'wan',
  at: '2026-12-07T03:00:00.000Z',
  fingerprint: 'abc',
};
const refOf = (id: string): ProviderJobRef => ({
  provider: 'fake',
  id,
  endpoint: 'http://gpu-1',
  model: 'wan',
  createdAt: intent.at,
});
const done: JobSnapshot<string> = { state: 'clip', phase: 'succeeded' };

/** A provider whose jobs finish at once; `gone` ids have vanished; every call is logged in order. */
function fakeDriver(orphans: string[] = [], gone: string[] = [], listError?: Error) {
  const log: string[] = [];
  const lease = { release: async () => void log.push('release') } as unknown as SemaphoreLease;
  let made = 0;
  const driver: JobDriver<string> = {
    provider: 'fake',
    create: async (_signal, beforeSend) => {
      await beforeSend?.(intent);
      log.push('create');
      return { ref: refOf(`new-${++made}`), snapshot: done, lease };
    },
    findOrphans: async () => {
      log.push('list');
      if (listError) throw listError;
      return orphans.map(refOf);
    },
    resume: async (ref) => (log.push(`resume ${ref.id}`), gone.includes(ref.id) ? null : { snapshot: done, lease }),
    poll: async () => done,
    cancel: async (ref) => void log.push(`cancel ${ref.id}`),
  };
  return { driver, log };
}

/** Claims held by one owner per job, as the worker's Redis claims are. */
function options(log: string[], held: Record<string, string> = {}, extra: StepOptions = {}): StepOptions {
  return {
    onProviderIntent: async () => void log.push('intent'),
    claimProviderJob: async (ref) => {
      const ok = (held[ref.id] ??= 'me') === 'me';
      log.push(`claim ${ref.id} ${ok}`);
      return ok;
    },
    onProviderJob: async (ref) => void log.push(`record ${ref.id}`),
    ...extra,
  };
}

describe(runProviderJob.name, () => {
  it('records the intent before the create is sent, then claims and records the job', async () => {
    const { driver, log } = fakeDriver();
    const result = await runProviderJob(driver, options(log), timing);
    expect(result).toEqual({ ref: refOf('new-1'), state: 'clip', created: true });
    expect(log).toEqual(['intent', 'create', 'claim new-1 true', 'record new-1', 'release']);
  });

  it('adopts the unrecorded job of an earlier create instead of paying for another', async () => {
    const { driver, log } = fakeDriver(['orphan']);
    const result = await runProviderJob(driver, options(log, {}, { resumeIntent: intent }), timing);
    expect(result).toEqual({ ref: refOf('orphan'), state: 'clip', created: false });
    expect(log).toEqual(['list', 'claim orphan true', 'resume orphan', 'record orphan', 'release']);
  });

  it('passes over candidates another generation holds or the provider lost, and creates when none is left', async () => {
    const { driver, log } = fakeDriver(['theirs', 'lost'], ['lost']);
    const result = await runProviderJob(driver, options(log, { theirs: 'them' }, { resumeIntent: intent }), timing);
    expect(result.ref.id).toBe('new-1');
    expect(log).toEqual([
      'list',
      'claim theirs false',
      'claim lost true',
      'resume lost',
      'intent',
      'create',
      'claim new-1 true',
      'record new-1',
      'release',
    ]);
  });

  it('does not look for unrecorded jobs when nothing can claim them exclusively', async () => {
    const { driver, log } = fakeDriver(['orphan']);
    await runProviderJob(driver, { ...options(log), claimProviderJob: undefined, resumeIntent: intent }, timing);
    expect(log).not.toContain('list');
    expect(log).toContain('create');
  });

  it('creates anew on a server that cannot list its jobs (404), and fails the attempt on one that is down', async () => {
    const older = fakeDriver(
      [],
      [],
      new ProviderError(Errors.providerRejected, 'GET /v1/videos: 404', { provider: 'fake' }),
    );
    const made = await runProviderJob(older.driver, options(older.log, {}, { resumeIntent: intent }), timing);
    expect(made.ref.id).toBe('new-1');
    const down = fakeDriver(
      [],
      [],
      new ProviderError(Errors.providerUnavailable, 'connection refused', { provider: 'fake' }),
    );
    await expect(
      runProviderJob(down.driver, options(down.log, {}, { resumeIntent: intent }), timing),
    ).rejects.toMatchObject({
      code: Errors.providerUnavailable.code,
    });
    expect(down.log).not.toContain('create');
  });

  it('gives up a job adopted elsewhere before its claim, without cancelling it', async () => {
    const { driver, log } = fakeDriver();
    await expect(runProviderJob(driver, options(log, { 'new-1': 'them' }), timing)).rejects.toMatchObject({
      code: Errors.providerFailed.code,
    });
    expect(log).toEqual(['intent', 'create', 'claim new-1 false', 'release']);
  });
});
