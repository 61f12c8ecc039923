import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { type Queue } from 'bullmq';
import {
  AppError,
  type Brief,
  cancelled,
  Errors,
  failed,
  isTerminal,
  type Job,
  type JobStatus,
  type Problem,
} from '@app/domain';
import { MODEL_REGISTRY, type ModelRegistry } from '@app/generation';
import { isJobId, JobRepository, newJobId } from '@app/persistence';
import { assignLogContext, currentTraceparent } from '@app/observability';
import { bullJobId, JobName, type JobOrigin, QueueName, STEP_OPTIONS } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { asDependencyFailure } from '../common/dependency-failure';
import { ValidationError } from '../common/global-exception.filter';
import { TenantQuotas } from '../limits/tenant-quotas.service';
import { BriefIntake, type Intake } from './brief-intake.service';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
/** How long a submit waits on the enqueue before answering anyway (the row is durable; the sweep enqueues it). */
const ENQUEUE_WAIT_MS = 1_000;
/** When a create that timed out is looked for again (a stalled table usually answers within a minute). */
const WITHDRAW_DELAYS_MS = [2_000, 5_000, 10_000, 20_000, 40_000, 80_000];

/** Submitting, reading, listing and cancelling a tenant's jobs. */
@Injectable()
export class JobsService {
  private readonly logger = new Logger(JobsService.name);

  constructor(
    private readonly jobs: JobRepository,
    private readonly intake: BriefIntake,
    private readonly store: ArtifactStore,
    @InjectQueue(QueueName.Plan) private readonly planQueue: Queue,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    private readonly quotas: TenantQuotas,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Validates and screens the brief (and a reviewed storyboard, when given), writes the row
   * (queued) and enqueues planning. A repeated Idempotency-Key returns the first job. A table that
   * does not answer fails the submit (503, nothing accepted); a queue that does not answer does not.
   */
  async submit(
    who: { tenantId: string; actor: string; requestId?: string },
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<Job> {
    const { tenantId } = who;
    const intake = this.parse(body, idempotencyKey);
    await this.intake.screen(intake, { ...who, stage: 'submit' });
    await this.quotas.assertMonthlySpendLeft(tenantId);

    const id = newJobId();
    // Reserved before anything is written, so a refusal leaves nothing behind; released when no job is made.
    await this.quotas.reserveLiveJob(tenantId, id);
    try {
      return await this.create(tenantId, id, intake, idempotencyKey, who.requestId);
    } catch (error) {
      await this.quotas.releaseLiveJob(tenantId, id);
      throw error;
    }
  }

  private async create(
    tenantId: string,
    reserved: string,
    intake: Intake,
    idempotencyKey: string | undefined,
    requestId: string | undefined,
  ) {
    let id = reserved;
    if (idempotencyKey) {
      const requestHash = createHash('sha256').update(JSON.stringify(intake)).digest('hex');
      const earlier = await this.jobs.claimIdempotencyKey(tenantId, idempotencyKey, { jobId: id, requestHash });
      if (earlier) {
        if (earlier.requestHash !== requestHash) {
          throw new AppError(Errors.idempotencyKeyReused, 'this Idempotency-Key was used with a different brief');
        }
        await this.quotas.releaseLiveJob(tenantId, reserved);
        const existing = await this.jobs.get(tenantId, earlier.jobId);
        if (existing) return existing;
        id = earlier.jobId; // the first request was interrupted before its row was written: finish it
        await this.quotas.reserveLiveJob(tenantId, id);
      }
    }
    // A job without a budget of its own gets the configured default: no key spends without bound.
    const brief = { ...intake.brief, budgetUsd: intake.brief.budgetUsd ?? this.config.limits.defaultJobBudgetUsd };
    const job = newJob(tenantId, id, brief);
    if (intake.storyboard) {
      // The plan step finds the script already there and renders it as the person left it.
      await this.store.putJson(new ArtifactKeys(tenantId, id).script, intake.storyboard);
      job.planning = {
        planner: 'provided',
        model: null,
        promptTokens: 0,
        completionTokens: 0,
        latencyMs: 0,
        calls: 0,
        repaired: false,
      };
    }
    try {
      await this.jobs.create(job);
    } catch (error) {
      // Two submits with one key: the other request wrote this job's row first. It is the same job.
      const existing = idempotencyKey && AppError.is(error, Errors.jobConflict) && (await this.jobs.get(tenantId, id));
      if (existing) return existing;
      if (!idempotencyKey && AppError.is(asDependencyFailure(error), Errors.dependencyUnavailable)) {
        this.withdrawIfItLands(tenantId, id);
      }
      throw error;
    }
    assignLogContext({ jobId: id });
    await this.enqueuePlan(tenantId, id, originOf(requestId));
    this.logger.log(
      `accepted job ${id} (${job.brief.durationSec} s, ${intake.storyboard ? 'storyboard given' : 'to plan'})`,
    );
    return job;
  }

  /**
   * A create that timed out may still be applied once the table answers again (the request was
   * already on its way). The client was told 503 and, without an Idempotency-Key, will retry as a
   * new job: so this row, should it appear, is failed with JOB.WITHDRAWN before or soon after the
   * recovery sweep picks it up (a planned step sees the terminal row and stops).
   */
  private withdrawIfItLands(tenantId: string, id: string, delaysMs = WITHDRAW_DELAYS_MS): void {
    const [delay, ...later] = delaysMs;
    if (delay === undefined) return;
    const attempt = async () => {
      const row = await this.jobs.get(tenantId, id);
      if (!row) return this.withdrawIfItLands(tenantId, id, later);
      if (isTerminal(row.status)) return;
      await this.jobs.update(tenantId, id, (job) => {
        if (isTerminal(job.status)) return false;
        failed({ code: Errors.jobWithdrawn.code, message: 'the submit did not complete (503); submit again' })(job);
      });
      this.logger.warn(`${id}: withdrawn (its create timed out and was applied late)`);
    };
    setTimeout(() => {
      attempt().catch(() => this.withdrawIfItLands(tenantId, id, later));
    }, delay).unref();
  }

  /**
   * The row is the outbox: once it is written the job is accepted, whatever Redis does next. An
   * enqueue that fails or stalls is left to the worker's recovery sweep, which enqueues every live
   * row without work in Redis; the deterministic BullMQ id makes a late or repeated add a no-op. So
   * the client gets its 202 (and never retries into a duplicate job) and no row is left without work.
   */
  private async enqueuePlan(tenantId: string, id: string, origin: { origin?: JobOrigin } = {}): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.planQueue.add(
          JobName.Plan,
          { tenantId, jobId: id, ...origin },
          { ...STEP_OPTIONS[JobName.Plan], jobId: bullJobId.plan(id) },
        ),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${ENQUEUE_WAIT_MS} ms`)), ENQUEUE_WAIT_MS);
        }),
      ]);
    } catch (error) {
      this.logger.warn(`${id}: plan not enqueued (${(error as Error).message}); the recovery sweep will enqueue it`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The brief (and storyboard) parsed; one 400 lists every problem, the Idempotency-Key's and the profile's included. */
  private parse(body: unknown, idempotencyKey: string | undefined): Intake {
    const problems: Problem[] = [];
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      problems.push({ field: 'Idempotency-Key', reason: 'must be 1-200 visible ASCII characters' });
    }
    let intake: Intake | null = null;
    try {
      intake = this.intake.parse(body, { allowStoryboard: true });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push(...error.problems);
    }
    const profile = intake ? intake.brief.videoProfile : (body as { videoProfile?: unknown } | null)?.videoProfile;
    if (typeof profile === 'string' && this.registry.find(profile)?.kind !== 'video') {
      const known = [...this.registry.profiles.values()].filter((p) => p.kind === 'video').map((p) => p.name);
      problems.push({ field: 'videoProfile', reason: `is not a video profile here; known: ${known.join(', ')}` });
    }
    if (problems.length || !intake) throw new ValidationError(problems);
    return intake;
  }

  /** A job of this tenant; another tenant's job is exactly as unknown as a missing one. */
  async get(tenantId: string, id: string): Promise<Job> {
    const job = isJobId(id) ? await this.jobs.get(tenantId, id) : null;
    if (!job) throw new AppError(Errors.jobNotFound, `job ${id} not found`);
    return job;
  }

  list(tenantId: string, limit: number, cursor: string | null, status?: JobStatus) {
    return this.jobs.list(tenantId, limit, cursor, status);
  }

  /** Marks the job cancelled; workers see the change and kill what they run for it. */
  async cancel(tenantId: string, id: string): Promise<Job> {
    const job = await this.get(tenantId, id);
    if (isTerminal(job.status)) throw terminal(job);
    try {
      return await this.jobs.update(tenantId, id, cancelled());
    } catch (error) {
      if (AppError.is(error, Errors.jobTerminal)) throw terminal(await this.get(tenantId, id));
      throw error;
    }
  }
}

/** The submit's request id and trace context, carried through every step of the job (when there are any). */
function originOf(requestId: string | undefined): { origin?: JobOrigin } {
  const traceparent = currentTraceparent();
  if (!requestId && !traceparent) return {};
  return { origin: { ...(requestId ? { requestId } : {}), ...(traceparent ? { traceparent } : {}) } };
}

function terminal(job: Job): AppError {
  return new AppError(Errors.jobTerminal, `job ${job.id} is already ${job.status}`);
}

function newJob(tenantId: string, id: string, brief: Brief): Job {
  const now = new Date().toISOString();
  return {
    tenantId,
    id,
    status: 'queued',
    progress: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
    brief,
    scenes: [],
    music: { status: brief.music.enabled ? 'pending' : 'skipped', progress: 0 },
    outputs: [],
    error: null,
    stages: {},
    backends: null,
    planning: null,
    cancelRequested: false,
  };
}
