import { randomInt } from 'node:crypto';
import { InjectFlowProducer } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { type FlowProducer } from 'bullmq';
import { z } from 'zod';
import {
  AppError,
  applyRevision,
  briefSchema,
  canRevise,
  checkStoryboardAgainstBrief,
  complianceText,
  Errors,
  type Job,
  type JobSchedule,
  planRevision,
  planSchedule,
  type Problem,
  REVISABLE_BRIEF_FIELDS,
  REVISABLE_SCENE_FIELDS,
  revisionRemake,
  revisionStarted,
  type RevisionPlan,
  scheduleOfRow,
  type Storyboard,
  storyboardSceneSchema,
  storyboardSchema,
  validateWith,
} from '@app/domain';
import {
  CostEstimator,
  estimateCost,
  GENERATORS,
  type Generators,
  MODEL_REGISTRY,
  type ModelRegistry,
  ModelRouter,
} from '@app/generation';
import { JobRepository } from '@app/persistence';
import { soundtrackMixOf } from '@app/media';
import { buildRevisionFlow, JOB_FLOW_PRODUCER, type JobRef } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { ValidationError } from '../common/global-exception.filter';
import { BriefIntake } from '../jobs/brief-intake.service';
import { JobsService } from '../jobs/jobs.service';

const MAX_SEED = 2 ** 31 - 1;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What a revision request may carry: a whole storyboard, or patches of scene fields; brief fields that keep the ad's length; scenes to regenerate. */
const revisionRequestSchema = z
  .object({
    storyboard: z.unknown().optional(),
    scenes: z
      .array(
        storyboardSceneSchema
          .pick(
            Object.fromEntries(REVISABLE_SCENE_FIELDS.map((f) => [f, true])) as Record<
              (typeof REVISABLE_SCENE_FIELDS)[number],
              true
            >,
          )
          .partial()
          .extend({ index: z.number().int().min(0) })
          .strict(),
      )
      .max(40)
      .optional(),
    brief: z.record(z.string(), z.unknown()).optional(),
    /** "Regenerate scene N": each listed scene gets a new seed */
    regenerate: z.array(z.number().int().min(0)).max(40).optional(),
  })
  .strict();

export interface RevisionAccepted {
  revision: number;
  regenerate: RevisionPlan['regenerate'];
  changes: RevisionPlan['changes'];
  estimatedCostUsd: number;
}

/**
 * Edits of a finished job: the edit checked like any storyboard (rules 400, safety 422), the
 * scenes it makes again planned from what changed, its cost estimated and held to the budget
 * before anything is written, then the row reopened as the next revision and its work enqueued.
 */
@Injectable()
export class RevisionsService {
  constructor(
    private readonly jobsService: JobsService,
    private readonly jobs: JobRepository,
    private readonly intake: BriefIntake,
    private readonly store: ArtifactStore,
    private readonly costs: CostEstimator,
    private readonly router: ModelRouter,
    @Inject(GENERATORS) private readonly generators: Generators,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    @InjectFlowProducer(JOB_FLOW_PRODUCER) private readonly flows: FlowProducer,
  ) {}

  /**
   * Starts the next revision; with `dryRun`, only answers what it would make again and cost
   * (the studio shows that before the person confirms), writing nothing.
   */
  async create(
    who: { tenantId: string; actor: string },
    id: string,
    body: unknown,
    opts: { dryRun?: boolean } = {},
  ): Promise<RevisionAccepted> {
    const job = await this.jobsService.get(who.tenantId, id);
    if (!canRevise(job)) {
      throw new AppError(Errors.jobNotRevisable, `job ${id} is ${job.status}: only a finished job can be revised`);
    }
    const current = await this.currentStoryboard(job);
    const { storyboard, brief } = this.parse(body, job, current);
    await this.intake.screen({ brief, storyboard }, { ...who, stage: 'revision' });

    const before = scheduleOfRow(current.scenes, job.scenes, this.router.videoProfile(job.brief).name);
    const after = this.schedule(brief, storyboard);
    const plan = planRevision(
      { storyboard: current, schedule: before, briefSeed: job.brief.seed },
      { storyboard, schedule: after, briefSeed: brief.seed },
    );
    const estimatedCostUsd = this.estimate(brief, storyboard, current, plan);
    // Refused before anything is written or paid for.
    this.costs.assertWithinBudget(brief, 0, estimatedCostUsd);

    const number = Math.max(job.revision ?? 0, ...(job.revisions ?? []).map((r) => r.number)) + 1;
    if (opts.dryRun) return { revision: number, regenerate: plan.regenerate, changes: plan.changes, estimatedCostUsd };
    const musicChanged = !same(current.music, storyboard.music);
    const remake = revisionRemake(
      plan,
      {
        musicEnabled: storyboard.music.enabled,
        musicChanged,
        soundtrackChanged: musicChanged || !same(soundtrackMixOf(job, current), soundtrackMixOf({ brief }, storyboard)),
      },
      job.status === 'completed' ? 'completed' : 'failed',
    );
    const ref: JobRef = { tenantId: job.tenantId, jobId: job.id, revision: number };
    await this.store.putJson(new ArtifactKeys(job.tenantId, job.id, number).script, storyboard);
    await this.jobs.reopen(
      job.tenantId,
      job.id,
      revisionStarted({
        number,
        brief,
        schedule: after,
        scenes: storyboard.scenes,
        musicEnabled: storyboard.music.enabled,
        changes: plan.changes,
        regenerate: plan.regenerate,
        remake,
        estimatedCostUsd,
      }),
    );
    // The revision's work goes straight to its flow: there is nothing to plan. (A flow lost with a
    // crash here is found by the worker's recovery, whose plan step adds the same flow.)
    await this.flows.add(buildRevisionFlow(ref, storyboard, after, remake));
    return { revision: number, regenerate: plan.regenerate, changes: plan.changes, estimatedCostUsd };
  }

  /** Every revision of a job, the first render as revision 0, and the current revision's storyboard. */
  async list(tenantId: string, id: string) {
    const job = await this.jobsService.get(tenantId, id);
    const raw = await this.store.getJson<unknown>(new ArtifactKeys(job.tenantId, job.id, job.revision ?? 0).script);
    const storyboard = raw ? validateWith(storyboardSchema, raw) : null;
    return {
      job,
      revisions: job.revisions ?? [firstRender(job)],
      storyboard: storyboard?.ok ? storyboard.value : null,
    };
  }

  private async currentStoryboard(job: Job): Promise<Storyboard> {
    const raw = await this.store.getJson<unknown>(new ArtifactKeys(job.tenantId, job.id, job.revision ?? 0).script);
    const parsed = validateWith(storyboardSchema, raw);
    if (!parsed.ok) throw new AppError(Errors.jobNotRevisable, `job ${job.id} has no storyboard to revise`);
    return parsed.value;
  }

  /** The edited storyboard and brief; one 400 lists every problem. */
  private parse(body: unknown, job: Job, current: Storyboard) {
    const request = validateWith(revisionRequestSchema, body ?? {});
    if (!request.ok) throw new ValidationError(request.problems);
    const { storyboard: rawStoryboard, scenes = [], brief: briefPatch = {}, regenerate = [] } = request.value;
    const problems: Problem[] = [];
    for (const field of Object.keys(briefPatch)) {
      if (!(REVISABLE_BRIEF_FIELDS as readonly string[]).includes(field)) {
        problems.push({ field: `brief.${field}`, reason: 'cannot change in a revision (it changes the ad itself)' });
      }
    }
    const brief = validateWith(briefSchema, { ...job.brief, ...briefPatch });
    if (!brief.ok) problems.push(...brief.problems.map((p) => ({ ...p, field: `brief.${p.field}` })));
    let whole: Storyboard | undefined;
    if (rawStoryboard !== undefined) {
      const parsed = validateWith(storyboardSchema, rawStoryboard);
      if (parsed.ok) whole = parsed.value;
      else problems.push(...parsed.problems.map((p) => ({ ...p, field: `storyboard.${p.field}` })));
    }
    const count = (whole ?? current).scenes.length;
    for (const index of [...scenes.map((s) => s.index), ...regenerate]) {
      if (index >= count) problems.push({ field: 'scenes', reason: `there is no scene ${index}` });
    }
    if (problems.length || !brief.ok) throw new ValidationError(problems);

    const patches = [...scenes];
    for (const index of regenerate) {
      const seed = randomInt(0, MAX_SEED);
      const patch = patches.find((p) => p.index === index);
      if (patch) patch.seed = seed;
      else patches.push({ index, seed });
    }
    const edited = applyRevision(
      { storyboard: current, brief: job.brief },
      {
        storyboard: whole,
        scenes: patches,
        brief: Object.fromEntries(Object.keys(briefPatch).map((k) => [k, brief.value[k as keyof typeof brief.value]])),
      },
      complianceText,
    );
    const checked = validateWith(storyboardSchema, edited.storyboard);
    const rules = checked.ok ? checkStoryboardAgainstBrief(checked.value, edited.brief) : checked.problems;
    if (rules.length) throw new ValidationError(rules.map((p) => ({ ...p, field: `storyboard.${p.field}` })));
    return edited;
  }

  private schedule(brief: Job['brief'], storyboard: Storyboard): JobSchedule {
    const profiles = storyboard.scenes.map((_, i) => this.router.sceneProfile(brief, storyboard, i));
    return planSchedule(
      storyboard.scenes,
      (i) => ({
        profile: profiles[i].name,
        firstAndLastFrame: profiles[i].acceptsFirstFrame && profiles[i].acceptsLastFrame,
      }),
      this.generators.image !== null,
    );
  }

  /** What the revision will pay for: the scenes it makes again, and the music when its mood changed. */
  private estimate(brief: Job['brief'], storyboard: Storyboard, before: Storyboard, plan: RevisionPlan): number {
    let cost = plan.regenerate.reduce((sum, r) => sum + this.costs.scene(brief, storyboard, r.index), 0);
    const music = this.registry.find('music_default');
    const musicChanged = JSON.stringify(before.music) !== JSON.stringify(storyboard.music);
    if (music && storyboard.music.enabled && musicChanged) cost += estimateCost(music, storyboard.durationSec, 1);
    return Math.round(cost * 1e6) / 1e6;
  }
}

/** A job never revised: its first render, as the one revision it has. */
function firstRender(job: Job) {
  return {
    number: 0,
    status:
      job.status === 'completed'
        ? 'completed'
        : job.status === 'failed' || job.status === 'cancelled'
          ? job.status
          : 'running',
    createdAt: job.createdAt,
    finishedAt: job.stages.composing?.finishedAt ?? null,
    changes: [],
    regenerate: job.scenes.map((s) => ({ index: s.index, reason: 'changed' as const })),
    estimatedCostUsd: job.usage?.estimatedCostUsd ?? 0,
    baseCostUsd: 0,
    costUsd: job.usage?.costUsd ?? 0,
    outputs: job.outputs,
    error: job.error,
  };
}
