import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Job as BullJob } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  clipDurationSec,
  type Job,
  outputSpecFor,
  type ProviderJobRecord,
  type ScheduledScene,
  scheduleOfRow,
  sceneCompleted,
  sceneProgressed,
  sceneProviderIntent,
  sceneProviderJobCreated,
  sceneStarted,
  revisionSpendUsd,
  type SceneResult,
  sceneSeed,
  scenePixelKey,
} from '@app/domain';
import {
  CostEstimator,
  GENERATORS,
  type Generators,
  MODEL_REGISTRY,
  type ModelRegistry,
  ModelRouter,
  ProviderConnection,
} from '@app/generation';
import { JobRepository } from '@app/persistence';
import { flowIdOf, type ScenePayload } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { Composer } from '@app/media';
import { type StepHandler } from '../queues/step-handler';
import { SceneRenderer } from '../scene-tier/scene-renderer.service';
import { CONTENT_HASH, hashFile, hashOf } from './content-hash';
import { progressWriter } from './progress-throttle';
import { isTerminalError, StepRunner } from './step-runner.service';
import { Storyboards } from './storyboards.service';
import { logGeneration } from './generation-log';
import { UsageRecorder } from './usage-recorder.service';
import { withWorkDir } from './work-dir';

/**
 * A scene of the job: the frames it must meet come from storage, the renderer makes and checks
 * the clip on a slot, and the clip and its last frame go to storage keyed by everything that made
 * them, so a retry or a resumed job reuses them. This step owns the row and storage; the renderer
 * owns generation.
 */
@Injectable()
export class SceneStep implements StepHandler {
  private readonly logger = new Logger(SceneStep.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly steps: StepRunner,
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    private readonly storyboards: Storyboards,
    private readonly composer: Composer,
    private readonly costs: CostEstimator,
    private readonly router: ModelRouter,
    private readonly usage: UsageRecorder,
    private readonly renderer: SceneRenderer,
    private readonly connection: ProviderConnection,
    @Inject(GENERATORS) private readonly generators: Generators,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
  ) {}

  handle(bullJob: BullJob<ScenePayload>) {
    const { sceneIndex: index, ...ref } = bullJob.data;
    return this.steps.run('scene', bullJob, ref, async (job, signal) => {
      const keys = new ArtifactKeys(ref.tenantId, ref.jobId);
      const storyboard = await this.storyboards.load(ref);
      const scene = storyboard.scenes[index];
      const schedule = scheduleOfRow(storyboard.scenes, job.scenes, this.router.videoProfile(job.brief).name);
      const planned = schedule.scenes[index];
      // the colour reference of a chained scene: the first frame of its chain's first scene
      const chainStart = Math.min(...schedule.scenes.filter((s) => s.chain === planned.chain).map((s) => s.index));
      const profile = this.registry.get(planned.profile);
      const video = this.generators.videoFor(profile.name);
      const update = (mutation: Parameters<JobRepository['update']>[2]) =>
        this.jobs.update(ref.tenantId, ref.jobId, mutation);
      let made: SceneResult['made'];

      await withWorkDir(this.config, `${ref.jobId}-scene-${index}`, async (dir) => {
        const frames = await this.framesToMeet(keys, planned, dir);
        const request = {
          scene,
          spec: outputSpecFor(storyboard.aspectRatio),
          durationSec: clipDurationSec(storyboard.scenes, index),
          seedFramePath: frames.start,
          endFramePath: frames.end,
          seed: sceneSeed(scene, job.brief.seed),
          workDir: dir,
        };
        // Keyed by what makes the pixels only: a revision of the type or the voice reuses the clip.
        const contentHash = hashOf({
          generator: video.name,
          model: profile.model,
          scene: scenePixelKey(storyboard.scenes, index, job.brief.seed, planned.profile),
          spec: request.spec,
          seedFrame: frames.start ? await hashFile(frames.start) : null,
          endFrame: frames.end ? await hashFile(frames.end) : null,
          checks: this.renderer.checksKey,
        });
        if (await this.alreadyStored(keys, index, contentHash)) return;
        // a revision's budget holds its own spend: what the job spent since the revision began
        const sceneCostUsd = this.costs.scene(job.brief, storyboard, index);
        this.costs.assertWithinBudget(job.brief, revisionSpendUsd(job), sceneCostUsd);
        await this.usage.assertMonthlyRoom(ref.tenantId, sceneCostUsd);

        // Only generative models drift: the embedded animatic paints each scene's planned palette
        // exactly (a continuous scene may change palette on purpose), so its clips are left as drawn.
        const colourReference =
          video.real && planned.strategy === 'chained' && planned.waitsFor !== null
            ? await this.download(keys.firstFrame(chainStart), dir, 'chain-reference.png')
            : null;
        const started = performance.now();
        let cost = 0;
        const createdJobs: ProviderJobRecord[] = [];
        const clip = await this.renderer.render(
          {
            profile,
            request,
            colourReference,
            resume: job.scenes[index]?.providerJob ?? null,
            resumeRetry: job.scenes[index]?.retryProviderJob ?? null,
            intents: job.scenes[index]?.createIntents,
            signal,
          },
          {
            started: (slot) => update(sceneStarted(index, slot.id)).then(() => undefined),
            progressed: progressWriter((percent) => update(sceneProgressed(index, percent))),
            providerIntent: (intent, attempt) =>
              update(sceneProviderIntent(index, intent, attempt)).then(() => undefined),
            claimProviderJob: (providerJob, attempt) =>
              this.connection.claims.claim(providerJob, `${flowIdOf(ref)}/scene-${index}/${attempt}`),
            providerJobCreated: async (created, attempt, adopted) => {
              if (adopted)
                this.logger.log(
                  `${ref.jobId} scene ${index}: adopted ${created.provider} job ${created.id}, created by an attempt that died before recording it`,
                );
              createdJobs.push(created);
              await update(sceneProviderJobCreated(index, created, attempt));
            },
            used: (usage) => {
              cost += usage?.costUsd ?? 0;
              return this.usage.record(ref, usage);
            },
            jobEnded: isTerminalError,
          },
        );
        logGeneration({
          kind: 'scene',
          provider: profile.provider,
          model: profile.model,
          prompt: scene.visualPrompt,
          seed: request.seed,
          params: {
            profile: profile.name,
            durationSec: request.durationSec,
            width: request.spec.width,
            height: request.spec.height,
            fps: request.spec.fps,
            firstFrame: Boolean(frames.start),
            endFrame: Boolean(frames.end),
            slot: clip.slot,
          },
          durationMs: Math.round(performance.now() - started),
          costUsd: cost,
        });

        const lastFrame = join(dir, 'last.png');
        await this.composer.lastFrame(clip.path, lastFrame);
        if (video.real && this.needsColourReference(job, planned)) {
          const firstFrame = join(dir, 'first.png');
          await this.composer.poster(clip.path, 0, firstFrame);
          await this.store.putFile(keys.firstFrame(index), firstFrame, 'image/png');
        }
        // The frame goes last: its presence with a matching hash is what marks the pair complete.
        await this.store.putFile(keys.clip(index), clip.path, 'video/mp4', { [CONTENT_HASH]: contentHash });
        await this.store.putFile(keys.lastFrame(index), lastFrame, 'image/png', { [CONTENT_HASH]: contentHash });
        // ours is stored: the provider's copies (of every attempt, this run's or resumed) can go
        const row = job.scenes[index];
        const used = [row?.providerJob, row?.retryProviderJob, ...createdJobs].filter((r) => !!r);
        await Promise.all(used.map((r) => this.generators.release(r!)));
        made = { slot: clip.slot, continuity: clip.continuity, colourMatch: clip.colourMatch };
      });

      await update(sceneCompleted(index, { clipKey: keys.clip(index), made }));
    });
  }

  /** The frames the clip must start and end on, downloaded into the work dir. */
  private async framesToMeet(keys: ArtifactKeys, planned: ScheduledScene, dir: string) {
    const fetch = (key: string, name: string) => this.download(key, dir, name);
    if (planned.strategy === 'anchored') {
      return {
        start: planned.startKeyframe === null ? null : await fetch(keys.keyframe(planned.startKeyframe), 'start.png'),
        end: planned.endKeyframe === null ? null : await fetch(keys.keyframe(planned.endKeyframe), 'end.png'),
      };
    }
    return {
      start: planned.waitsFor === null ? null : await fetch(keys.lastFrame(planned.waitsFor), 'seed.png'),
      end: null,
    };
  }

  private async download(key: string, dir: string, name: string): Promise<string> {
    const path = join(dir, name);
    await this.store.downloadTo(key, path);
    return path;
  }

  /** The first scene of a chain whose later scenes are colour-matched to it stores its first frame. */
  private needsColourReference(job: Job, planned: ScheduledScene): boolean {
    return (
      planned.strategy === 'chained' &&
      planned.waitsFor === null &&
      job.scenes.some((s) => s.seededFrom === planned.index)
    );
  }

  private async alreadyStored(keys: ArtifactKeys, index: number, contentHash: string): Promise<boolean> {
    const [clip, frame] = await Promise.all([
      this.store.head(keys.clip(index)),
      this.store.head(keys.lastFrame(index)),
    ]);
    return clip?.[CONTENT_HASH] === contentHash && frame?.[CONTENT_HASH] === contentHash;
  }
}
