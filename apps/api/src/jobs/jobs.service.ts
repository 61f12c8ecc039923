import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { AppError, type Brief, ErrorCodes, isTerminal, type Job } from '@app/domain';
import { MODEL_REGISTRY, type ModelRegistry } from '@app/generation';
import { isJobId, JobRepository, newJobId } from '@app/jobs';
import { bullJobId, JobName, QueueName, STEP_OPTIONS } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { ValidationError } from '../common/global-exception.filter';
import { BriefIntake } from './brief-intake.service';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** Submitting, reading, listing and cancelling a tenant's jobs. */
@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly intake: BriefIntake,
    private readonly store: ArtifactStore,
    @InjectQueue(QueueName.Plan) private readonly planQueue: Queue,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
  ) {}

  /**
   * Validates and screens the brief (and a reviewed storyboard, when given), writes the row
   * (queued) and enqueues planning. A repeated Idempotency-Key returns the first job.
   */
  async submit(
    who: { tenantId: string; actor: string },
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<Job> {
    const { tenantId } = who;
    let keyProblem = null;
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      keyProblem = { field: 'Idempotency-Key', reason: 'must be 1-200 visible ASCII characters' };
    }
    let intake;
    try {
      intake = this.intake.parse(body, { allowStoryboard: true });
    } catch (error) {
      if (error instanceof ValidationError && keyProblem) throw new ValidationError([keyProblem, ...error.problems]);
      throw error;
    }
    const profile = intake.brief.videoProfile;
    if (profile && this.registry.find(profile)?.kind !== 'video') {
      const known = [...this.registry.profiles.values()].filter((p) => p.kind === 'video').map((p) => p.name);
      throw new ValidationError([
        ...(keyProblem ? [keyProblem] : []),
        { field: 'videoProfile', reason: `is not a video profile here; known: ${known.join(', ')}` },
      ]);
    }
    if (keyProblem) throw new ValidationError([keyProblem]);
    await this.intake.screen(intake, { ...who, stage: 'submit' });

    let id = newJobId();
    if (idempotencyKey) {
      const requestHash = createHash('sha256').update(JSON.stringify(intake)).digest('hex');
      const earlier = await this.jobs.claimIdempotencyKey(tenantId, idempotencyKey, { jobId: id, requestHash });
      if (earlier) {
        if (earlier.requestHash !== requestHash) {
          throw new AppError(ErrorCodes.idempotencyMismatch, 'this Idempotency-Key was used with a different brief', {
            status: 422,
          });
        }
        const existing = await this.jobs.get(tenantId, earlier.jobId);
        if (existing) return existing;
        id = earlier.jobId; // the first request was interrupted before its row was written: finish it
      }
    }
    const job = newJob(tenantId, id, intake.brief);
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
    await this.jobs.create(job);
    await this.planQueue.add(
      JobName.Plan,
      { tenantId, jobId: id },
      { ...STEP_OPTIONS[JobName.Plan], jobId: bullJobId.plan(id) },
    );
    return job;
  }

  /** A job of this tenant; another tenant's job is exactly as unknown as a missing one. */
  async get(tenantId: string, id: string): Promise<Job> {
    const job = isJobId(id) ? await this.jobs.get(tenantId, id) : null;
    if (!job) throw new AppError(ErrorCodes.notFound, `job ${id} not found`, { status: 404 });
    return job;
  }

  list(tenantId: string, limit: number, cursor: string | null) {
    return this.jobs.list(tenantId, limit, cursor);
  }

  /** Marks the job cancelled; workers see the change and kill what they run for it. */
  async cancel(tenantId: string, id: string): Promise<Job> {
    const job = await this.get(tenantId, id);
    if (isTerminal(job.status)) throw terminal(job);
    try {
      return await this.jobs.update(tenantId, id, (j) => {
        j.status = 'cancelled';
        j.cancelRequested = true;
        for (const scene of j.scenes)
          if (scene.status === 'pending' || scene.status === 'running') scene.status = 'cancelled';
        if (j.music.status === 'pending' || j.music.status === 'running') j.music.status = 'cancelled';
      });
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCodes.terminal) throw terminal(await this.get(tenantId, id));
      throw error;
    }
  }
}

function terminal(job: Job): AppError {
  return new AppError(ErrorCodes.terminal, `job ${job.id} is already ${job.status}`, { status: 409 });
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
