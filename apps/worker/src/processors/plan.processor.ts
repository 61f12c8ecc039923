import { InjectFlowProducer, InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { type FlowProducer, type Job as BullJob, type Queue } from 'bullmq';
import {
  AppError,
  checkStoryboardAgainstBrief,
  ErrorCodes,
  type Job,
  type JobSchedule,
  type PlanningRecord,
  planSchedule,
  type Storyboard,
  storyboardSchema,
  validateWith,
} from '@app/domain';
import { GENERATORS, type Generators, MUSIC_GENERATOR, type MusicGenerator } from '@app/generation';
import { JobRepository } from '@app/jobs';
import { bullJobId, buildJobFlow, JOB_FLOW_PRODUCER, type JobRef, QueueName } from '@app/pipeline';
import {
  type PlanReport,
  SafetyScreen,
  STORYBOARD_PLANNER,
  type StoryboardPlanner,
  storyboardTexts,
} from '@app/planner';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { CostEstimator } from '../cost-estimator.service';
import { JobSteps } from '../job-steps.service';
import { WORKER_OPTIONS } from '../worker-options';

/** Brief -> storyboard (script.json), then the rest of the job as one flow. */
@Processor(QueueName.Plan, WORKER_OPTIONS)
export class PlanProcessor extends WorkerHost {
  private readonly logger = new Logger(PlanProcessor.name);

  constructor(
    private readonly steps: JobSteps,
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    @Inject(STORYBOARD_PLANNER) private readonly planner: StoryboardPlanner,
    private readonly safety: SafetyScreen,
    private readonly costs: CostEstimator,
    @Inject(GENERATORS) private readonly generators: Generators,
    @Inject(MUSIC_GENERATOR) private readonly music: MusicGenerator,
    @InjectFlowProducer(JOB_FLOW_PRODUCER) private readonly flows: FlowProducer,
    @InjectQueue(QueueName.Compose) private readonly composeQueue: Queue,
  ) {
    super();
  }

  process(bullJob: BullJob<JobRef>) {
    const ref = bullJob.data;
    return this.steps.run('plan', bullJob, ref, async (job, signal) => {
      if (job.status === 'queued') {
        job = await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
          j.status = 'planning';
          j.stages.planning = { startedAt: new Date().toISOString(), finishedAt: null };
        });
      }
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
      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        if (j.status !== 'planning') return false;
        const now = new Date().toISOString();
        j.usage = { items: [], costUsd: 0, estimatedCostUsd };
        j.planning =
          report ?? j.planning ?? this.record({ planner: this.planner.name, model: this.planner.model ?? null });
        j.status = 'generating';
        j.stages.planning = { startedAt: j.stages.planning?.startedAt ?? now, finishedAt: now };
        j.stages.generating = { startedAt: now, finishedAt: null };
        const video = this.generators.videoFor(schedule.scenes[0].profile);
        j.backends = { planner: j.planning.planner, video: video.name, music: this.music.name };
        j.music = { status: storyboard.music.enabled ? 'pending' : 'skipped', progress: 0 };
        j.keyframes = schedule.keyframes.length
          ? { status: 'pending', count: schedule.keyframes.length, done: 0 }
          : null;
        j.scenes = schedule.scenes.map((s) => ({
          index: s.index,
          status: 'pending',
          progress: 0,
          durationSec: storyboard.scenes[s.index].durationSec,
          chain: s.chain,
          seededFrom: s.seededFrom,
          startedAt: null,
          finishedAt: null,
          clipKey: null,
          profile: s.profile,
          strategy: s.strategy,
        }));
      });
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
   * Which model makes each scene, and how chains keep continuity: anchored on keyframes when every
   * scene of a chain runs on a model that takes first and last frames (and an image model is
   * configured), chained otherwise.
   */
  private schedule(job: Job, storyboard: Storyboard): JobSchedule {
    const profiles = storyboard.scenes.map((_, i) => this.costs.sceneProfile(job.brief, storyboard, i));
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
    const candidate =
      stored ??
      (await this.planner.plan(job.brief, { signal, onReport: (r: PlanReport) => (report = this.record(r)) }));
    const parsed = validateWith(storyboardSchema, candidate);
    const problems = parsed.ok ? checkStoryboardAgainstBrief(parsed.value, job.brief) : parsed.problems;
    if (!parsed.ok || problems.length) {
      throw new AppError(
        ErrorCodes.invalidStoryboard,
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
