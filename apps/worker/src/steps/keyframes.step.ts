import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InjectFlowProducer } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type FlowProducer, type Job as BullJob } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  AppError,
  Errors,
  keyframeMade,
  keyframesCompleted,
  keyframesStarted,
  outputSpecFor,
  revisionSpendUsd,
  scheduleOfRow,
  scenePixelKey,
  type StoryboardScene,
} from '@app/domain';
import {
  CostEstimator,
  GENERATORS,
  type Generators,
  KEYFRAME_PROFILE,
  MODEL_REGISTRY,
  type ModelRegistry,
  ModelRouter,
} from '@app/generation';
import { JobRepository } from '@app/persistence';
import { addAnchoredScenes, JOB_FLOW_PRODUCER, type JobRef, revisionOf } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { CONTENT_HASH, hashOf } from './content-hash';
import { SceneSlots } from '../scene-tier/scene-slots.service';
import { StepRunner } from './step-runner.service';
import { UsageRecorder } from './usage-recorder.service';
import { Storyboards } from './storyboards.service';
import { withWorkDir } from './work-dir';
import { type StepHandler } from '../queues/step-handler';

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
export class KeyframesStep implements StepHandler {
  private readonly logger = new Logger(KeyframesStep.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly steps: StepRunner,
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    private readonly storyboards: Storyboards,
    private readonly router: ModelRouter,
    private readonly usage: UsageRecorder,
    private readonly costs: CostEstimator,
    private readonly slots: SceneSlots,
    @Inject(GENERATORS) private readonly generators: Generators,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    @InjectFlowProducer(JOB_FLOW_PRODUCER) private readonly flows: FlowProducer,
  ) {}

  handle(bullJob: BullJob<JobRef>) {
    const ref = bullJob.data;
    return this.steps.run('keyframes', bullJob, ref, async (job, signal) => {
      const keys = new ArtifactKeys(ref.tenantId, ref.jobId);
      const storyboard = await this.storyboards.load(ref);
      const schedule = scheduleOfRow(storyboard.scenes, job.scenes, this.router.videoProfile(job.brief).name);
      const image = this.generators.image;
      if (!image) throw new AppError(Errors.sceneFailed, 'anchored scenes need an image model (image_default)');
      const profile = this.registry.get(KEYFRAME_PROFILE);
      const planned = (index: number) => schedule.scenes[index].profile;
      const spec = outputSpecFor(storyboard.aspectRatio);

      await withWorkDir(this.config, `${ref.jobId}-keyframes`, async (dir) => {
        const wanted = schedule.keyframes.map((index) => {
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
          const contentHash = hashOf({
            generator: image.name,
            model: profile.model,
            ...request,
            scene: scenePixelKey(storyboard.scenes, index, job.brief.seed, planned(index)),
            workDir: null,
          });
          return { index, request, contentHash };
        });
        const stored = await Promise.all(wanted.map((k) => this.store.head(keys.keyframe(k.index))));
        // A revision keeps the boundaries its scenes were made to meet: an edited scene is made
        // again between the same keyframes, and its neighbours stay as they are.
        const toMake = wanted.filter(
          (k, i) => !(stored[i]?.[CONTENT_HASH] === k.contentHash || (revisionOf(ref) > 0 && stored[i])),
        );
        // Every image this step will pay for, checked against the job's budget and the tenant's
        // monthly cap before the first is asked for (as a scene is), so a refused job asks for none.
        const costUsd = this.costs.keyframeImages(toMake.length);
        this.costs.assertWithinBudget(job.brief, revisionSpendUsd(job), costUsd);
        await this.usage.assertMonthlyRoom(ref.tenantId, costUsd);
        await this.jobs.update(ref.tenantId, ref.jobId, keyframesStarted());

        await Promise.all(
          toMake.map(async ({ index, request, contentHash }) => {
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
            await this.jobs.update(ref.tenantId, ref.jobId, keyframeMade());
          }),
        );
      });

      // Compose is still waiting for this step, so the scenes join it before it can start.
      const added = await addAnchoredScenes(this.flows, this.config.queuePrefix, ref, schedule);
      await this.jobs.update(ref.tenantId, ref.jobId, keyframesCompleted());
      this.logger.log(`${ref.jobId}: ${schedule.keyframes.length} keyframes; started ${added.length} anchored scenes`);
    });
  }
}
