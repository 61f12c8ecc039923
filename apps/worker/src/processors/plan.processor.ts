import { InjectFlowProducer, InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { type FlowProducer, type Job as BullJob, type Queue } from 'bullmq';
import {
  AppError,
  buildChains,
  checkStoryboardAgainstBrief,
  ErrorCodes,
  type Job,
  type PlanningRecord,
  seededFrom,
  type Storyboard,
  storyboardSchema,
  validateWith,
} from '@app/domain';
import { MUSIC_GENERATOR, type MusicGenerator, VIDEO_GENERATOR, type VideoGenerator } from '@app/generation';
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
    @Inject(VIDEO_GENERATOR) private readonly video: VideoGenerator,
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
      // A plan whose generation would cost more than the job's budget fails before anything is spent.
      const estimatedCostUsd = this.costs.job(job.brief, storyboard);
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
        j.backends = { planner: j.planning.planner, video: this.video.name, music: this.music.name };
        j.music = { status: storyboard.music.enabled ? 'pending' : 'skipped', progress: 0 };
        const chains = buildChains(storyboard.scenes);
        j.scenes = storyboard.scenes.map((scene, i) => ({
          index: i,
          status: 'pending',
          progress: 0,
          durationSec: scene.durationSec,
          chain: chains.findIndex((c) => c.sceneIndexes.includes(i)),
          seededFrom: seededFrom(storyboard.scenes, i),
          startedAt: null,
          finishedAt: null,
          clipKey: null,
        }));
      });
      // A retried plan step finds the flow already added and leaves it alone.
      if (!(await this.composeQueue.getJob(bullJobId.compose(ref.jobId)))) {
        await this.flows.add(buildJobFlow(ref, storyboard));
      }
      this.logger.log(`${ref.jobId}: planned ${storyboard.scenes.length} scenes`);
    });
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
