import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InjectFlowProducer } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type FlowProducer, type Job as BullJob } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AppError, ErrorCodes, outputSpecFor, scheduleOfRow, type StoryboardScene } from '@app/domain';
import { GENERATORS, type Generators, MODEL_REGISTRY, type ModelRegistry } from '@app/generation';
import { JobRepository } from '@app/jobs';
import { addAnchoredScenes, JOB_FLOW_PRODUCER, type JobRef } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { CONTENT_HASH, hashOf } from '../content-hash';
import { CostEstimator } from '../cost-estimator.service';
import { GpuSlots } from '../gpu/gpu-slots.service';
import { JobSteps } from '../job-steps.service';
import { UsageRecorder } from '../usage-recorder.service';
import { Storyboards } from '../storyboards.service';
import { withWorkDir } from '../work-dir';

export const KEYFRAME_PROFILE = 'image_default';

/** What the image model is asked for at a boundary: the opening shot of the scene that starts there. */
export function keyframePrompt(scene: Pick<StoryboardScene, 'visualPrompt'>): string {
  return `${scene.visualPrompt.trim()} Opening frame of the shot, a single still photograph.`;
}

/**
 * The first step of anchored chains: every boundary keyframe at once (each on a slot, through
 * the image model), stored by content so a retry pays for none twice; then all anchored scenes
 * are added under compose together, each to start from its start keyframe and end on its end one.
 */
@Injectable()
export class KeyframesProcessor {
  private readonly logger = new Logger(KeyframesProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly steps: JobSteps,
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    private readonly storyboards: Storyboards,
    private readonly costs: CostEstimator,
    private readonly usage: UsageRecorder,
    private readonly slots: GpuSlots,
    @Inject(GENERATORS) private readonly generators: Generators,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    @InjectFlowProducer(JOB_FLOW_PRODUCER) private readonly flows: FlowProducer,
  ) {}

  process(bullJob: BullJob<JobRef>) {
    const ref = bullJob.data;
    return this.steps.run('keyframes', bullJob, ref, async (job, signal) => {
      const keys = new ArtifactKeys(ref.tenantId, ref.jobId);
      const storyboard = await this.storyboards.load(ref);
      const schedule = scheduleOfRow(storyboard.scenes, job.scenes, this.costs.videoProfile(job.brief).name);
      const image = this.generators.image;
      if (!image) throw new AppError(ErrorCodes.sceneFailed, 'anchored scenes need an image model (image_default)');
      const profile = this.registry.get(KEYFRAME_PROFILE);
      const spec = outputSpecFor(storyboard.aspectRatio);
      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        if (!j.keyframes || j.keyframes.status === 'completed') return false;
        j.keyframes.status = 'running';
        j.keyframes.startedAt ??= new Date().toISOString();
      });

      await withWorkDir(this.config.dataDir, `${ref.jobId}-keyframes`, (dir) =>
        Promise.all(
          schedule.keyframes.map(async (index) => {
            const scene = storyboard.scenes[index];
            const request = {
              prompt: keyframePrompt(scene),
              negativePrompt: profile.negativePrompt,
              scene,
              width: spec.width,
              height: spec.height,
              seed: job.brief.seed + index,
              workDir: join(dir, `k${index}`),
            };
            const contentHash = hashOf({ generator: image.name, model: profile.model, ...request, workDir: null });
            if ((await this.store.head(keys.keyframe(index)))?.[CONTENT_HASH] === contentHash) return;
            await mkdir(request.workDir, { recursive: true });
            const lease = await this.slots.pool.acquire(KEYFRAME_PROFILE, { signal });
            let made;
            try {
              made = await image.generate(request, { signal });
            } finally {
              lease.release();
            }
            await this.store.putFile(keys.keyframe(index), made.path, 'image/png', { [CONTENT_HASH]: contentHash });
            await this.usage.record(ref, made.usage);
            await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
              if (j.keyframes) j.keyframes.done = Math.min(j.keyframes.count, j.keyframes.done + 1);
            });
          }),
        ),
      );

      // Compose is still waiting for this step, so the scenes join it before it can start.
      const added = await addAnchoredScenes(this.flows, this.config.queuePrefix, ref, schedule);
      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        if (!j.keyframes) return false;
        j.keyframes.status = 'completed';
        j.keyframes.done = j.keyframes.count;
        j.keyframes.finishedAt = new Date().toISOString();
      });
      this.logger.log(`${ref.jobId}: ${schedule.keyframes.length} keyframes; started ${added.length} anchored scenes`);
    });
  }
}
