import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type FlowProducer, type Job as BullJob, type Queue } from 'bullmq';
import {
  AppError,
  checkStoryboardAgainstBrief,
  currentRevision,
  Errors,
  type Job,
  type JobSchedule,
  planned,
  type PlanningRecord,
  planningStarted,
  planSchedule,
  revisionSpendUsd,
  scheduleOfRow,
  type Storyboard,
  storyboardSchema,
  validateWith,
} from '@app/domain';
import {
  CostEstimator,
  GENERATORS,
  type Generators,
  ModelRouter,
  MUSIC_GENERATOR,
  type MusicGenerator,
} from '@app/generation';
import { JobRepository } from '@app/persistence';
import {
  bullJobId,
  buildJobFlow,
  buildRevisionFlow,
  flowIdOf,
  JOB_FLOW_PRODUCER,
  revisionOf,
  type JobRef,
  QueueName,
} from '@app/pipeline';
import { SafetyScreen, storyboardTexts } from '@app/safety';
import { type PlanReport, STORYBOARD_PLANNER, type StoryboardPlanner } from '@app/planner';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { StepRunner } from './step-runner.service';
import { UsageRecorder } from './usage-recorder.service';
import { type StepHandler } from '../queues/step-handler';

/** Brief -> storyboard (script.json), then the rest of the job as one flow. */
@Injectable()
export class PlanStep implements StepHandler {
  private readonly logger = new Logger(PlanStep.name);

  constructor(
    private readonly steps: StepRunner,
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    @Inject(STORYBOARD_PLANNER) private readonly planner: StoryboardPlanner,
    private readonly safety: SafetyScreen,
    private readonly costs: CostEstimator,
    private readonly usage: UsageRecorder,
    private readonly router: ModelRouter,
    @Inject(GENERATORS) private readonly generators: Generators,
    @Inject(MUSIC_GENERATOR) private readonly music: MusicGenerator,
    @InjectFlowProducer(JOB_FLOW_PRODUCER) private readonly flows: FlowProducer,
    @InjectQueue(QueueName.Compose) private readonly composeQueue: Queue,
  ) {}

  handle(bullJob: BullJob<JobRef>) {
    const ref = bullJob.data;
    return this.steps.run('plan', bullJob, ref, async (job, signal) => {
      if (revisionOf(ref)) return this.startRevision(ref, job);
      if (job.status === 'queued') job = await this.jobs.update(ref.tenantId, ref.jobId, planningStarted());
      const { storyboard, report } = await this.storyboardFor(job, signal);
      // Planned prompts are screened like briefs before anything is generated from them.
      await this.safety.enforce(
        storyboardTexts(storyboard),
        { tenantId: ref.tenantId, actor: `${ref.tenantId}/planner:${this.planner.name}`, stage: 'plan' },
        signal,
      );
      const schedule = this.schedule(job, storyboard);
      // A plan whose generation would cost more than the job's budget fails before anything is spent.
      const estimatedCostUsd = this.costs.job(job.brief, storyboard, schedule);
      this.costs.assertWithinBudget(job.brief, 0, estimatedCostUsd);
      await this.jobs.update(
        ref.tenantId,
        ref.jobId,
        planned({
          schedule,
          scenes: storyboard.scenes,
          musicEnabled: storyboard.music.enabled,
          planning: report,
          unreported: this.record({ planner: this.planner.name, model: this.planner.model ?? null }),
          backends: { video: this.generators.videoFor(schedule.scenes[0].profile).name, music: this.music.name },
          estimatedCostUsd,
        }),
      );
      // A retried plan step finds the flow already added and leaves it alone.
      if (!(await this.composeQueue.getJob(bullJobId.compose(ref.jobId)))) {
        await this.flows.add(buildJobFlow(ref, storyboard, schedule));
      }
      const anchored = schedule.scenes.filter((s) => s.strategy === 'anchored').length;
      this.logger.log(
        `${ref.jobId}: planned ${storyboard.scenes.length} scenes` +
          (anchored ? ` (${anchored} anchored on ${schedule.keyframes.length} keyframes)` : ''),
      );
    });
  }

  /**
   * A revision was screened, estimated and written to the row by the API (its storyboard under
   * its own key, each scene's profile and strategy on the row), which also adds its flow. This
   * runs only when recovery found a revision without work (the API died before adding it): it adds
   * the same flow, with ids of its own, in which every unchanged part finds its stored output.
   */
  private async startRevision(ref: JobRef, job: Job): Promise<void> {
    if (job.revision !== revisionOf(ref)) return; // a later revision replaced it
    const key = new ArtifactKeys(ref.tenantId, ref.jobId, revisionOf(ref)).script;
    const parsed = validateWith(storyboardSchema, await this.store.getJson<unknown>(key));
    if (!parsed.ok) throw new AppError(Errors.invalidStoryboard, `the script of revision ${ref.revision} is missing`);
    const schedule = scheduleOfRow(parsed.value.scenes, job.scenes, this.router.videoProfile(job.brief).name);
    if (!(await this.composeQueue.getJob(bullJobId.compose(flowIdOf(ref))))) {
      await this.flows.add(buildRevisionFlow(ref, parsed.value, schedule, currentRevision(job)?.remake));
    }
    this.logger.log(`${ref.jobId}: revision ${ref.revision} started`);
  }

  /**
   * Which model makes each scene, and how chains keep continuity: anchored on keyframes when every
   * scene of a chain runs on a model that takes first and last frames (and an image model is
   * configured), chained otherwise.
   */
  private schedule(job: Job, storyboard: Storyboard): JobSchedule {
    const profiles = storyboard.scenes.map((_, i) => this.router.sceneProfile(job.brief, storyboard, i));
    return planSchedule(
      storyboard.scenes,
      (i) => ({
        profile: profiles[i].name,
        firstAndLastFrame: profiles[i].acceptsFirstFrame && profiles[i].acceptsLastFrame,
      }),
      this.generators.image !== null,
    );
  }

  /**
   * The stored script when there is one (a person's edited storyboard, or an earlier attempt that
   * got that far), else a fresh plan with its report; either way validated against the brief.
   */
  private async storyboardFor(
    job: Job,
    signal: AbortSignal,
  ): Promise<{ storyboard: Storyboard; report: PlanningRecord | null }> {
    const key = new ArtifactKeys(job.tenantId, job.id).script;
    const stored = await this.store.getJson<unknown>(key);
    let report: PlanningRecord | null = null;
    if (!stored && this.planner.paid) {
      // The LLM bills by the token, which is not known before it answers: it is called only while
      // the job has budget left and the tenant is under its monthly cap (as the scenes are).
      this.costs.assertBudgetLeft(job.brief, revisionSpendUsd(job));
      await this.usage.assertBelowCap(job.tenantId);
    }
    const candidate =
      stored ??
      (await this.planner.plan(job.brief, { signal, onReport: (r: PlanReport) => (report = this.record(r)) }));
    const parsed = validateWith(storyboardSchema, candidate);
    const problems = parsed.ok ? checkStoryboardAgainstBrief(parsed.value, job.brief) : parsed.problems;
    if (!parsed.ok || problems.length) {
      throw new AppError(
        Errors.invalidStoryboard,
        `the storyboard breaks ${problems.length} rule(s): ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`,
      );
    }
    if (!stored) await this.store.putJson(key, parsed.value);
    return { storyboard: parsed.value, report };
  }

  private record(report: Partial<PlanReport> & { planner: string }): PlanningRecord {
    return {
      planner: report.planner,
      model: report.model ?? null,
      promptTokens: report.promptTokens ?? 0,
      completionTokens: report.completionTokens ?? 0,
      latencyMs: report.latencyMs ?? 0,
      calls: report.calls ?? 0,
      repaired: report.repaired ?? false,
    };
  }
}
