import { type Queue } from 'bullmq';
import { mock } from 'jest-mock-extended';
import { loadConfig } from '@app/config';
import { AppError, type Brief, Errors, type Storyboard } from '@app/domain';
import { loadModelRegistry } from '@app/generation';
import { type IdempotencyRecord, type JobRepository, newJobId } from '@app/persistence';
import { JobName, STEP_OPTIONS } from '@app/pipeline';
import { SafetyBlockedError, type SafetyScreen } from '@app/safety';
import { TemplatePlanner } from '@app/planner';
import { type ArtifactStore } from '@app/storage';
import { aBrief, aJob, withJobRows } from '@app/testing';
import { ValidationError } from '../common/global-exception.filter';
import { BriefIntake } from './brief-intake.service';
import { JobsService } from './jobs.service';
import { type TenantQuotas } from '../limits/tenant-quotas.service';

const WHO = { tenantId: 'tenantA', actor: 'tenantA/key:abc' };
const BRIEF = { brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough.', durationSec: 6 };

/**
 * The service over typed mocks of everything that does I/O (table, store, queue, safety screen).
 * Brief parsing and the model registry are pure and run for real, so "every problem listed" is
 * the product's own validation, not a stub's answer.
 */
function setup() {
  const jobs = mock<JobRepository>();
  const store = mock<ArtifactStore>();
  const planQueue = mock<Queue>();
  const safety = mock<SafetyScreen>();
  const registry = loadModelRegistry({ providers: { modelsFile: null, vllmOmniBaseUrls: [], replicateTokens: [] } });
  const quotas = mock<TenantQuotas>();
  const service = new JobsService(jobs, new BriefIntake(safety), store, planQueue, registry, quotas, loadConfig({}));

  // The claims table as the repository keeps it: the first claim of a key wins, later ones read it back.
  const claims = new Map<string, IdempotencyRecord>();
  jobs.claimIdempotencyKey.mockImplementation(async (tenantId, key, record) => {
    const earlier = claims.get(`${tenantId}/${key}`);
    if (earlier) return earlier;
    claims.set(`${tenantId}/${key}`, record);
    return null;
  });
  const { rows, mutations } = withJobRows(jobs);
  return { service, jobs, store, planQueue, safety, claims, rows, mutations };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

async function storyboardFor(brief: Brief): Promise<Storyboard> {
  return new TemplatePlanner().plan(brief);
}

describe(JobsService.name, () => {
  describe('submit', () => {
    it('lists the brief and Idempotency-Key problems together and creates nothing when both are bad', async () => {
      const { service, jobs, planQueue, safety, store } = setup();
      const error = await rejection(service.submit(WHO, { brief: 'short', durationSec: 7.5 }, 'has spaces in it'));
      expect(error).toBeInstanceOf(ValidationError);
      expect([error.status, error.code]).toEqual([400, 'REQUEST.INVALID']);
      expect((error as ValidationError).problems.map((p) => p.field).sort()).toEqual([
        'Idempotency-Key',
        'brief',
        'durationSec',
      ]);
      expect(safety.enforce).not.toHaveBeenCalled();
      expect(jobs.claimIdempotencyKey).not.toHaveBeenCalled();
      expect(jobs.create).not.toHaveBeenCalled();
      expect(store.putJson).not.toHaveBeenCalled();
      expect(planQueue.add).not.toHaveBeenCalled();
    });

    it('names an unknown video profile with the known ones beside a bad Idempotency-Key', async () => {
      const { service, jobs, planQueue } = setup();
      const error = await rejection(service.submit(WHO, { ...BRIEF, videoProfile: 'no_such_model' }, 'x'.repeat(201)));
      const problems = (error as ValidationError).problems;
      expect(error.code).toBe('REQUEST.INVALID');
      expect(problems.map((p) => p.field)).toEqual(['Idempotency-Key', 'videoProfile']);
      expect(problems[1].reason).toMatch(/known: .*video_default/);
      expect(jobs.create).not.toHaveBeenCalled();
      expect(planQueue.add).not.toHaveBeenCalled();
    });

    it('refuses a profile that exists but is not a video profile', async () => {
      const { service, jobs } = setup();
      const error = await rejection(service.submit(WHO, { ...BRIEF, videoProfile: 'music_default' }, undefined));
      expect((error as ValidationError).problems.map((p) => p.field)).toEqual(['videoProfile']);
      expect(jobs.create).not.toHaveBeenCalled();
    });

    it('refuses a bad Idempotency-Key on an otherwise valid brief before screening it', async () => {
      const { service, safety, jobs } = setup();
      const error = await rejection(service.submit(WHO, BRIEF, 'tab\tinside'));
      expect((error as ValidationError).problems).toEqual([
        { field: 'Idempotency-Key', reason: 'must be 1-200 visible ASCII characters' },
      ]);
      expect(safety.enforce).not.toHaveBeenCalled();
      expect(jobs.create).not.toHaveBeenCalled();
    });

    it('screens the brief before claiming, storing, creating or enqueueing anything', async () => {
      const { service, safety, jobs, store, planQueue } = setup();
      safety.enforce.mockRejectedValue(
        new SafetyBlockedError({
          allowed: false,
          category: 'weapons',
          reason: 'weapons',
          source: 'blocklist',
          promptHash: 'h',
        }),
      );
      const storyboard = await storyboardFor(aBrief(BRIEF));
      const error = await rejection(service.submit(WHO, { ...BRIEF, storyboard }, 'key-1'));
      expect([error.status, error.code]).toEqual([422, 'SAFETY.BLOCKED']);
      expect(safety.enforce).toHaveBeenCalledWith(
        expect.arrayContaining([
          { field: 'brief', text: BRIEF.brief },
          { field: 'storyboard.title', text: storyboard.title },
        ]),
        {
          ...WHO,
          stage: 'submit',
        },
      );
      expect(jobs.claimIdempotencyKey).not.toHaveBeenCalled();
      expect(store.putJson).not.toHaveBeenCalled();
      expect(jobs.create).not.toHaveBeenCalled();
      expect(planQueue.add).not.toHaveBeenCalled();
    });

    it('refuses with 400 a reviewed storyboard whose edit moved a cut into the major statement, naming the window', async () => {
      const { service, jobs, store, planQueue } = setup();
      const pharma = {
        brief: 'A 30-second TV spot for Clarivo, a once-daily non-drowsy allergy tablet.',
        durationSec: 30,
        compliance: { sideEffects: ['headache', 'dry mouth'], dosage: 'One 10 mg tablet daily.' },
      };
      const planned = await storyboardFor(aBrief(pharma));
      const window = planned.compliance!.statement!;
      const held = planned.scenes.findIndex((s) => s.beat === 'major statement');
      // one more second for the scene before it: the statement's first held scene now cuts 1 s inside it
      const edited: Storyboard = {
        ...planned,
        scenes: planned.scenes.map((s, i) => (i === held - 1 ? { ...s, durationSec: s.durationSec + 1 } : s)),
      };
      expect(await service.submit(WHO, { ...pharma, storyboard: planned }, undefined)).toMatchObject({
        status: 'queued',
      });

      const error = await rejection(service.submit(WHO, { ...pharma, storyboard: edited }, undefined));
      expect([error.status, error.code]).toEqual([400, 'REQUEST.INVALID']);
      expect((error as ValidationError).problems).toContainEqual({
        field: `storyboard.scenes.${held}.transitionIn`,
        reason:
          `must be continuous: this scene starts at ${window.startSec + 1} s, inside the major statement ` +
          `(${window.startSec}–${window.endSec} s), where nothing may cut or blend`,
      });
      expect(jobs.create).toHaveBeenCalledTimes(1);
      expect(store.putJson).toHaveBeenCalledTimes(1);
      expect(planQueue.add).toHaveBeenCalledTimes(1);
    });

    it('writes a queued row for the caller and enqueues plan with the deterministic id and step options', async () => {
      const { service, jobs, planQueue, rows } = setup();
      const job = await service.submit(WHO, BRIEF, undefined);
      expect(rows.get(job.id)).toMatchObject({
        tenantId: 'tenantA',
        status: 'queued',
        progress: 0,
        version: 1,
        brief: aBrief(BRIEF),
        music: { status: 'pending', progress: 0 },
        planning: null,
        error: null,
      });
      expect(jobs.create).toHaveBeenCalledTimes(1);
      expect(planQueue.add).toHaveBeenCalledTimes(1);
      expect(planQueue.add).toHaveBeenCalledWith(
        JobName.Plan,
        { tenantId: 'tenantA', jobId: job.id },
        { ...STEP_OPTIONS[JobName.Plan], jobId: `${job.id}.plan` },
      );
      expect(jobs.create.mock.invocationCallOrder[0]).toBeLessThan(planQueue.add.mock.invocationCallOrder[0]);
    });

    it('accepts the job when the enqueue fails or stalls: the queued row is left for the recovery sweep', async () => {
      const { service, planQueue, rows } = setup();
      planQueue.add.mockRejectedValueOnce(new Error('Command timed out'));
      const failed = await service.submit(WHO, BRIEF, undefined);
      expect(rows.get(failed.id)).toMatchObject({ status: 'queued', error: null });

      jest.useFakeTimers();
      try {
        planQueue.add.mockReturnValueOnce(new Promise(() => undefined));
        const submitting = service.submit(WHO, BRIEF, undefined);
        await jest.advanceTimersByTimeAsync(1_000);
        const stalled = await submitting;
        expect(rows.get(stalled.id)).toMatchObject({ status: 'queued', error: null });
      } finally {
        jest.useRealTimers();
      }
    });

    it('withdraws a row whose timed-out create landed late, unless an Idempotency-Key lets the retry claim it', async () => {
      const { service, jobs, rows } = setup();
      const lateCreate = (): void => {
        jobs.create.mockImplementationOnce(async (job) => {
          rows.set(job.id, structuredClone(job)); // the table applied it after the client gave up
          throw Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
        });
      };
      jest.useFakeTimers();
      try {
        lateCreate();
        await expect(service.submit(WHO, BRIEF, undefined)).rejects.toThrow('socket timed out');
        lateCreate();
        await expect(service.submit(WHO, BRIEF, 'order-late')).rejects.toThrow('socket timed out');
        await jest.advanceTimersByTimeAsync(200_000);
      } finally {
        jest.useRealTimers();
      }
      const [anonymous, keyed] = [...rows.values()];
      expect(anonymous).toMatchObject({ status: 'failed', error: { code: 'JOB.WITHDRAWN' } });
      expect(keyed).toMatchObject({ status: 'queued', error: null });
      // the keyed client's retry gets that very job
      expect((await service.submit(WHO, BRIEF, 'order-late')).id).toBe(keyed.id);
    });

    it('fails the submit and enqueues nothing when the row cannot be written', async () => {
      const { service, jobs, planQueue } = setup();
      jobs.create.mockRejectedValueOnce(Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }));
      await expect(service.submit(WHO, BRIEF, undefined)).rejects.toThrow('socket timed out');
      expect(planQueue.add).not.toHaveBeenCalled();
    });

    it('marks music skipped on the row when the brief turns it off', async () => {
      const { service } = setup();
      const job = await service.submit(WHO, { ...BRIEF, music: { enabled: false } }, undefined);
      expect(job.music.status).toBe('skipped');
    });

    it('returns the first job and enqueues nothing new for a repeated Idempotency-Key', async () => {
      const { service, jobs, planQueue } = setup();
      const first = await service.submit(WHO, BRIEF, 'order-42');
      const again = await service.submit(WHO, { ...BRIEF }, 'order-42');
      expect(again.id).toBe(first.id);
      expect(jobs.create).toHaveBeenCalledTimes(1);
      expect(planQueue.add).toHaveBeenCalledTimes(1);
    });

    it('answers 422 REQUEST.IDEMPOTENCY_KEY_REUSED when the same key comes with a different brief', async () => {
      const { service, jobs, planQueue } = setup();
      await service.submit(WHO, BRIEF, 'order-42');
      const error = await rejection(service.submit(WHO, { ...BRIEF, durationSec: 8 }, 'order-42'));
      expect([error.status, error.code]).toEqual([422, 'REQUEST.IDEMPOTENCY_KEY_REUSED']);
      expect(jobs.create).toHaveBeenCalledTimes(1);
      expect(planQueue.add).toHaveBeenCalledTimes(1);
    });

    it('finishes an interrupted first request under the id it claimed', async () => {
      const { service, jobs, planQueue, rows } = setup();
      const first = await service.submit(WHO, BRIEF, 'order-7');
      // As if the first request had died after its claim and before its row was written.
      rows.delete(first.id);
      jobs.create.mockClear();
      planQueue.add.mockClear();
      const job = await service.submit(WHO, BRIEF, 'order-7');
      expect(job.id).toBe(first.id);
      expect(rows.get(first.id)).toMatchObject({ status: 'queued', tenantId: 'tenantA' });
      expect(planQueue.add).toHaveBeenCalledWith(
        JobName.Plan,
        { tenantId: 'tenantA', jobId: first.id },
        expect.objectContaining({ jobId: `${first.id}.plan` }),
      );
    });

    it('lists a bad brief, a bad Idempotency-Key and an unknown video profile together', async () => {
      const { service, jobs } = setup();
      const error = await rejection(
        service.submit(WHO, { brief: 'short', durationSec: 6, videoProfile: 'no_such_model' }, 'has spaces'),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((p) => p.field).sort()).toEqual([
        'Idempotency-Key',
        'brief',
        'videoProfile',
      ]);
      expect(jobs.create).not.toHaveBeenCalled();
    });

    it('returns the job to both of two concurrent submits with one key when the other wrote the row first', async () => {
      const { service, jobs, rows } = setup();
      const first = await service.submit(WHO, BRIEF, 'order-9');
      // The second submit of the pair claimed nothing new and wrote the row; this one now loses the create.
      jobs.create.mockRejectedValueOnce(new AppError(Errors.jobConflict, 'already exists'));
      rows.delete(first.id);
      jobs.get.mockResolvedValueOnce(null).mockResolvedValueOnce(first);
      const again = await service.submit(WHO, BRIEF, 'order-9');
      expect(again.id).toBe(first.id);
    });

    it("stores a person's storyboard as script.json before the row, which says planner 'provided'", async () => {
      const { service, store, jobs, rows } = setup();
      const storyboard = await storyboardFor(aBrief(BRIEF));
      const job = await service.submit(WHO, { ...BRIEF, storyboard }, undefined);
      expect(store.putJson).toHaveBeenCalledWith(`users/tenantA/jobs/${job.id}/script.json`, storyboard);
      expect(rows.get(job.id)?.planning).toMatchObject({ planner: 'provided', model: null, calls: 0 });
      expect(store.putJson.mock.invocationCallOrder[0]).toBeLessThan(jobs.create.mock.invocationCallOrder[0]);
    });

    it('lists the problems of a storyboard that breaks the brief and stores nothing', async () => {
      const { service, store, jobs } = setup();
      const storyboard = await storyboardFor(aBrief(BRIEF));
      const error = await rejection(
        service.submit(WHO, { ...BRIEF, storyboard: { ...storyboard, durationSec: 12 } }, undefined),
      );
      expect((error as ValidationError).problems.map((p) => p.field)).toContain('storyboard.durationSec');
      expect(store.putJson).not.toHaveBeenCalled();
      expect(jobs.create).not.toHaveBeenCalled();
    });
  });

  describe('get', () => {
    it('answers 404 JOB.NOT_FOUND for a malformed id without reading the table', async () => {
      const { service, jobs } = setup();
      const error = await rejection(service.get('tenantA', '../../etc/passwd'));
      expect([error.status, error.code]).toEqual([404, 'JOB.NOT_FOUND']);
      expect(jobs.get).not.toHaveBeenCalled();
    });

    it("answers 404 JOB.NOT_FOUND for a missing row and for another tenant's job", async () => {
      const { service, rows } = setup();
      const id = newJobId();
      expect((await rejection(service.get('tenantA', id))).code).toBe('JOB.NOT_FOUND');
      rows.set(id, aJob({ tenantId: 'tenantB', id }));
      expect((await rejection(service.get('tenantA', id))).code).toBe('JOB.NOT_FOUND');
    });
  });

  describe('cancel', () => {
    const live = (id: string) =>
      aJob({
        id,
        status: 'generating',
        music: { status: 'running', progress: 40 },
        scenes: [
          {
            index: 0,
            status: 'completed',
            progress: 100,
            durationSec: 3,
            chain: 0,
            seededFrom: null,
            startedAt: null,
            finishedAt: null,
            clipKey: 'k',
          },
          {
            index: 1,
            status: 'running',
            progress: 10,
            durationSec: 3,
            chain: 0,
            seededFrom: 0,
            startedAt: null,
            finishedAt: null,
            clipKey: null,
          },
        ],
      });

    it.each(['completed', 'failed', 'cancelled'] as const)(
      'answers 409 JOB.TERMINAL for a %s job and writes nothing',
      async (status) => {
        const { service, jobs, rows } = setup();
        const id = newJobId();
        rows.set(id, aJob({ id, status }));
        const error = await rejection(service.cancel('tenantA', id));
        expect([error.status, error.code]).toEqual([409, 'JOB.TERMINAL']);
        expect(error.message).toContain(status);
        expect(jobs.update).not.toHaveBeenCalled();
      },
    );

    it('answers 409 JOB.TERMINAL when the job turned terminal between the read and the write', async () => {
      const { service, jobs, rows } = setup();
      const id = newJobId();
      rows.set(id, live(id));
      jobs.update.mockImplementation(async () => {
        rows.set(id, { ...live(id), status: 'completed' });
        throw new AppError(Errors.jobTerminal, `job ${id} is already completed`);
      });
      const error = await rejection(service.cancel('tenantA', id));
      expect([error.status, error.code]).toEqual([409, 'JOB.TERMINAL']);
      expect(error.message).toBe(`job ${id} is already completed`);
    });

    it('passes on any other failure of the write', async () => {
      const { service, jobs, rows } = setup();
      const id = newJobId();
      rows.set(id, live(id));
      jobs.update.mockRejectedValue(new Error('dynamo down'));
      await expect(service.cancel('tenantA', id)).rejects.toThrow('dynamo down');
    });

    it('writes the cancelled transition: the job cancelled, its live parts stopped, finished parts kept', async () => {
      const { service, jobs, rows, mutations } = setup();
      const id = newJobId();
      rows.set(id, live(id));
      const result = await service.cancel('tenantA', id);
      expect(jobs.update).toHaveBeenCalledTimes(1);
      expect(jobs.update).toHaveBeenCalledWith('tenantA', id, expect.any(Function));
      // The mutation itself, applied to the row as it was: what any replica of the repository would write.
      const row = live(id);
      mutations[0](row);
      expect(row).toMatchObject({ status: 'cancelled', cancelRequested: true, music: { status: 'cancelled' } });
      expect(row.scenes.map((s) => s.status)).toEqual(['completed', 'cancelled']);
      expect(result.status).toBe('cancelled');
      expect(rows.get(id)?.status).toBe('cancelled');
    });
  });
});
