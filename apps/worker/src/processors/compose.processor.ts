import { join } from 'node:path';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { type Job as BullJob } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { clipDurationSec, composingProgress, outputSpecFor, type StoredOutput } from '@app/domain';
import { JobRepository } from '@app/jobs';
import { Composer, FfmpegRunner } from '@app/media';
import { type JobRef, QueueName } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { JobSteps } from '../job-steps.service';
import { progressWriter } from '../progress-throttle';
import { Storyboards } from '../storyboards.service';
import { withWorkDir } from '../work-dir';
import { WORKER_OPTIONS } from '../worker-options';

/** Clips, transitions, end card, compliance and music in one ffmpeg pass; the final MP4 and its poster. */
@Processor(QueueName.Compose, WORKER_OPTIONS)
export class ComposeProcessor extends WorkerHost {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly steps: JobSteps,
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    private readonly storyboards: Storyboards,
    private readonly composer: Composer,
    private readonly ffmpeg: FfmpegRunner,
  ) {
    super();
  }

  process(bullJob: BullJob<JobRef>) {
    const ref = bullJob.data;
    return this.steps.run('compose', bullJob, ref, async (job, signal) => {
      const keys = new ArtifactKeys(ref.tenantId, ref.jobId);
      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        const now = new Date().toISOString();
        j.status = 'composing';
        if (j.stages.generating && !j.stages.generating.finishedAt) j.stages.generating.finishedAt = now;
        j.stages.composing ??= { startedAt: now, finishedAt: null };
      });
      const storyboard = await this.storyboards.load(ref);
      const spec = outputSpecFor(storyboard.aspectRatio);
      const totalSec = storyboard.durationSec;

      const outputs = await withWorkDir(this.config.dataDir, `${ref.jobId}-compose`, async (dir) => {
        const clips = await Promise.all(
          storyboard.scenes.map(async (scene, i) => {
            const path = join(dir, `scene_${i}.mp4`);
            await this.store.downloadTo(keys.clip(i), path);
            return { path, durationSec: clipDurationSec(storyboard.scenes, i), transitionIn: scene.transitionIn };
          }),
        );
        let musicPath: string | null = null;
        if (storyboard.music.enabled) {
          musicPath = join(dir, 'music.m4a');
          await this.store.downloadTo(keys.music, musicPath);
        }
        const videoPath = join(dir, 'output.mp4');
        const posterPath = join(dir, 'poster.jpg');
        const onProgress = progressWriter(
          (percent) =>
            this.jobs.update(ref.tenantId, ref.jobId, (j) => {
              const progress = composingProgress(percent / 100);
              if (j.progress >= progress) return false;
              j.progress = progress;
            }),
          5,
        );
        await this.composer.compose(
          {
            clips,
            totalSec,
            spec,
            musicPath,
            endCard: storyboard.endCard,
            compliance: storyboard.compliance,
            brandColors: job.brief.brand?.colors ?? [],
            workDir: dir,
            outPath: videoPath,
            preset: job.brief.quality === 'final' ? this.config.composePreset : 'veryfast',
          },
          { signal, onProgress },
        );
        await this.composer.poster(videoPath, Math.max(0, totalSec - storyboard.endCard.durationSec / 2), posterPath);
        const probe = await this.ffmpeg.probe(videoPath);
        await this.store.putFile(keys.finalVideo, videoPath, 'video/mp4');
        await this.store.putFile(keys.poster, posterPath, 'image/jpeg');
        const video: StoredOutput = {
          type: 'video',
          aspectRatio: storyboard.aspectRatio,
          key: keys.finalVideo,
          contentType: 'video/mp4',
          width: probe.video?.width ?? spec.width,
          height: probe.video?.height ?? spec.height,
          durationSec: Math.round(probe.durationSec * 1000) / 1000,
        };
        const poster: StoredOutput = {
          type: 'poster',
          aspectRatio: storyboard.aspectRatio,
          key: keys.poster,
          contentType: 'image/jpeg',
          width: spec.width,
          height: spec.height,
          durationSec: null,
        };
        return [video, poster];
      });

      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        const now = new Date().toISOString();
        j.status = 'completed';
        j.outputs = outputs;
        j.stages.composing = { startedAt: j.stages.composing?.startedAt ?? now, finishedAt: now };
      });
    });
  }
}
