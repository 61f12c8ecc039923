import { InjectFlowProducer, InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { type FlowProducer, type Job as BullJob, type Queue } from 'bullmq';
import {
  AppError,
  buildChains,
  checkStoryboardAgainstBrief,
  ErrorCodes,
  type Job,
  seededFrom,
  type Storyboard,
  storyboardSchema,
  validateWith,
} from '@app/domain';
import { MUSIC_GENERATOR, type MusicGenerator, VIDEO_GENERATOR, type VideoGenerator } from '@app/generation';
import { JobRepository } from '@app/jobs';
import { bullJobId, buildJobFlow, JOB_FLOW_PRODUCER, type JobRef, QueueName } from '@app/pipeline';
import { STORYBOARD_PLANNER, type StoryboardPlanner } from '@app/planner';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
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
      const storyboard = await this.storyboardFor(job, signal);
      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        if (j.status !== 'planning') return false;
        const now = new Date().toISOString();
        j.status = 'generating';
        j.stages.planning = { startedAt: j.stages.planning?.startedAt ?? now, finishedAt: now };
        j.stages.generating = { startedAt: now, finishedAt: null };
        j.backends = { planner: this.planner.name, video: this.video.name, music: this.music.name };
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

  /** The stored script when a previous attempt got that far, else a fresh plan; either way validated. */
  private async storyboardFor(job: Job, signal: AbortSignal): Promise<Storyboard> {
    const key = new ArtifactKeys(job.tenantId, job.id).script;
    const stored = await this.store.getJson<unknown>(key);
    const candidate = stored ?? (await this.planner.plan(job.brief, { signal }));
    const parsed = validateWith(storyboardSchema, candidate);
    const problems = parsed.ok ? checkStoryboardAgainstBrief(parsed.value, job.brief) : parsed.problems;
    if (!parsed.ok || problems.length) {
      throw new AppError(
        ErrorCodes.invalidStoryboard,
        `the storyboard breaks ${problems.length} rule(s): ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`,
      );
    }
    if (!stored) await this.store.putJson(key, parsed.value);
    return parsed.value;
  }
}
