import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { type Job as BullJob } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MUSIC_GENERATOR, type MusicGenerator } from '@app/generation';
import { JobRepository } from '@app/jobs';
import { type JobRef, QueueName } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { CONTENT_HASH, hashOf } from '../content-hash';
import { JobSteps } from '../job-steps.service';
import { UsageRecorder } from '../usage-recorder.service';
import { progressWriter } from '../progress-throttle';
import { Storyboards } from '../storyboards.service';
import { withWorkDir } from '../work-dir';
import { WORKER_OPTIONS } from '../worker-options';

/** The music bed for the planned mood, exactly the ad's length. */
@Processor(QueueName.Music, WORKER_OPTIONS)
export class MusicProcessor extends WorkerHost {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly steps: JobSteps,
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    private readonly storyboards: Storyboards,
    @Inject(MUSIC_GENERATOR) private readonly music: MusicGenerator,
    private readonly usage: UsageRecorder,
  ) {
    super();
  }

  process(bullJob: BullJob<JobRef>) {
    const ref = bullJob.data;
    return this.steps.run('music', bullJob, ref, async (job, signal) => {
      const key = new ArtifactKeys(ref.tenantId, ref.jobId).music;
      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        if (j.music.status === 'completed') return false;
        j.music.status = 'running';
        j.music.startedAt ??= new Date().toISOString();
      });
      const storyboard = await this.storyboards.load(ref);
      const request = { mood: storyboard.music.mood, durationSec: storyboard.durationSec, seed: job.brief.seed };
      const contentHash = hashOf({ generator: this.music.name, ...request });
      if ((await this.store.head(key))?.[CONTENT_HASH] !== contentHash) {
        await withWorkDir(this.config.dataDir, `${ref.jobId}-music`, async (workDir) => {
          const onProgress = progressWriter((percent) =>
            this.jobs.update(ref.tenantId, ref.jobId, (j) => {
              if (j.music.progress >= percent) return false;
              j.music.progress = percent;
            }),
          );
          const { path, usage } = await this.music.generate({ ...request, workDir }, { signal, onProgress });
          await this.store.putFile(key, path, 'audio/mp4', { [CONTENT_HASH]: contentHash });
          await this.usage.record(ref, usage);
        });
      }
      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        j.music = {
          status: 'completed',
          progress: 100,
          startedAt: j.music.startedAt ?? new Date().toISOString(),
          finishedAt: new Date().toISOString(),
        };
      });
    });
  }
}
