import { join } from 'node:path';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { type Job as BullJob } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { clipDurationSec, outputSpecFor, seededFrom } from '@app/domain';
import { GENERATORS, type Generators, type ProviderJobRef } from '@app/generation';
import { JobRepository } from '@app/jobs';
import { Composer } from '@app/media';
import { QueueName, type ScenePayload } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { CONTENT_HASH, hashFile, hashOf } from '../content-hash';
import { CostEstimator } from '../cost-estimator.service';
import { isTerminalError, JobSteps } from '../job-steps.service';
import { UsageRecorder } from '../usage-recorder.service';
import { progressWriter } from '../progress-throttle';
import { Storyboards } from '../storyboards.service';
import { withWorkDir } from '../work-dir';
import { WORKER_OPTIONS } from '../worker-options';

/**
 * One scene's clip: seeded with the previous scene's stored last frame when the shot continues,
 * normalised to the job's output spec, stored with its own last frame for the next scene.
 */
@Processor(QueueName.Scene, WORKER_OPTIONS)
export class SceneProcessor extends WorkerHost {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly steps: JobSteps,
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    private readonly storyboards: Storyboards,
    private readonly composer: Composer,
    private readonly costs: CostEstimator,
    private readonly usage: UsageRecorder,
    @Inject(GENERATORS) private readonly generators: Generators,
  ) {
    super();
  }

  process(bullJob: BullJob<ScenePayload>) {
    const { sceneIndex: index, ...ref } = bullJob.data;
    return this.steps.run('scene', bullJob, ref, async (job, signal) => {
      const keys = new ArtifactKeys(ref.tenantId, ref.jobId);
      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        const scene = j.scenes[index];
        if (scene.status === 'completed') return false;
        scene.status = 'running';
        scene.startedAt ??= new Date().toISOString();
      });
      const storyboard = await this.storyboards.load(ref);
      const scene = storyboard.scenes[index];
      const profile = this.costs.videoProfile(job.brief);
      const video = job.brief.videoProfile ? this.generators.videoFor(profile.name) : this.generators.video;
      const seedIndex = seededFrom(storyboard.scenes, index);

      await withWorkDir(this.config.dataDir, `${ref.jobId}-scene-${index}`, async (dir) => {
        let seedFramePath: string | null = null;
        if (seedIndex !== null) {
          seedFramePath = join(dir, 'seed.png');
          await this.store.downloadTo(keys.lastFrame(seedIndex), seedFramePath);
        }
        const request = {
          scene,
          spec: outputSpecFor(storyboard.aspectRatio),
          durationSec: clipDurationSec(storyboard.scenes, index),
          seedFramePath,
          seed: job.brief.seed + index,
          workDir: dir,
        };
        const contentHash = hashOf({
          generator: video.name,
          model: profile.model,
          scene,
          spec: request.spec,
          durationSec: request.durationSec,
          seed: request.seed,
          seedFrame: seedFramePath ? await hashFile(seedFramePath) : null,
        });
        if (await this.alreadyStored(keys, index, contentHash)) return;

        const onProgress = progressWriter((percent) =>
          this.jobs.update(ref.tenantId, ref.jobId, (j) => {
            if (j.scenes[index].progress >= percent) return false;
            j.scenes[index].progress = percent;
          }),
        );
        this.costs.assertWithinBudget(
          job.brief,
          job.usage?.costUsd ?? 0,
          this.costs.scene(job.brief, storyboard, index),
        );
        // A provider job an earlier attempt started is polled to its end, never paid for twice.
        let providerJob: ProviderJobRef | null = job.scenes[index]?.providerJob ?? null;
        let result;
        try {
          result = await video.generate(request, {
            signal,
            onProgress,
            resume: providerJob,
            onProviderJob: async (created) => {
              providerJob = created;
              await this.jobs.update(ref.tenantId, ref.jobId, (j) => void (j.scenes[index].providerJob = created));
            },
          });
        } catch (error) {
          // The job ended (cancelled, or failed elsewhere), even between the provider's create and our
          // row write: stop paying for this scene.
          if ((signal.aborted || isTerminalError(error)) && providerJob) {
            await this.generators.cancel(providerJob).catch(() => undefined);
          }
          throw error;
        }
        const { path, usage } = result;
        const lastFrame = join(dir, 'last.png');
        await this.composer.lastFrame(path, lastFrame);
        // The frame goes last: its presence with a matching hash is what marks the pair complete.
        await this.store.putFile(keys.clip(index), path, 'video/mp4', { [CONTENT_HASH]: contentHash });
        await this.store.putFile(keys.lastFrame(index), lastFrame, 'image/png', { [CONTENT_HASH]: contentHash });
        await this.usage.record(ref, usage);
      });

      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        const s = j.scenes[index];
        s.status = 'completed';
        s.progress = 100;
        s.finishedAt = new Date().toISOString();
        s.clipKey = keys.clip(index);
      });
    });
  }

  private async alreadyStored(keys: ArtifactKeys, index: number, contentHash: string): Promise<boolean> {
    const [clip, frame] = await Promise.all([
      this.store.head(keys.clip(index)),
      this.store.head(keys.lastFrame(index)),
    ]);
    return clip?.[CONTENT_HASH] === contentHash && frame?.[CONTENT_HASH] === contentHash;
  }
}
