import { Inject, Injectable } from '@nestjs/common';
import { type Job as BullJob } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { musicCompleted, musicProgressed, musicProviderJobCreated, musicStarted, revisionSpendUsd } from '@app/domain';
import { CostEstimator, MUSIC_GENERATOR, type MusicGenerator } from '@app/generation';
import { JobRepository } from '@app/persistence';
import { type JobRef } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { type StepHandler } from '../queues/step-handler';
import { CONTENT_HASH, hashOf } from './content-hash';
import { progressWriter } from './progress-throttle';
import { StepRunner } from './step-runner.service';
import { Storyboards } from './storyboards.service';
import { logGeneration } from './generation-log';
import { UsageRecorder } from './usage-recorder.service';
import { withWorkDir } from './work-dir';

/** The music bed for the planned mood, exactly the ad's length. */
@Injectable()
export class MusicStep implements StepHandler {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly steps: StepRunner,
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    private readonly storyboards: Storyboards,
    @Inject(MUSIC_GENERATOR) private readonly music: MusicGenerator,
    private readonly usage: UsageRecorder,
    private readonly costs: CostEstimator,
  ) {}

  handle(bullJob: BullJob<JobRef>) {
    const ref = bullJob.data;
    return this.steps.run('music', bullJob, ref, async (job, signal) => {
      const key = new ArtifactKeys(ref.tenantId, ref.jobId).music;
      await this.jobs.update(ref.tenantId, ref.jobId, musicStarted());
      const storyboard = await this.storyboards.load(ref);
      const request = { mood: storyboard.music.mood, durationSec: storyboard.durationSec, seed: job.brief.seed };
      const contentHash = hashOf({ generator: this.music.name, ...request });
      if ((await this.store.head(key))?.[CONTENT_HASH] !== contentHash) {
        // A priced bed is checked against the job's budget and the tenant's monthly cap before it is asked for.
        const costUsd = this.costs.musicBed(request.durationSec);
        this.costs.assertWithinBudget(job.brief, revisionSpendUsd(job), costUsd);
        await this.usage.assertMonthlyRoom(ref.tenantId, costUsd);
        await withWorkDir(this.config, `${ref.jobId}-music`, async (workDir) => {
          const onProgress = progressWriter((percent) =>
            this.jobs.update(ref.tenantId, ref.jobId, musicProgressed(percent)),
          );
          const started = performance.now();
          // a bed an earlier run of this step asked for (the same request) is resumed, not paid for again
          const earlier = job.music.providerJob;
          const { path, usage } = await this.music.generate(
            { ...request, workDir },
            {
              signal,
              onProgress,
              resume: earlier?.contentHash === contentHash ? earlier.ref : null,
              onProviderJob: (created) =>
                this.jobs
                  .update(ref.tenantId, ref.jobId, musicProviderJobCreated(created, contentHash))
                  .then(() => undefined),
            },
          );
          logGeneration({
            kind: 'music',
            provider: usage?.provider ?? 'embedded',
            model: usage?.model ?? this.music.name,
            prompt: request.mood,
            seed: request.seed,
            params: { durationSec: request.durationSec, generator: this.music.name },
            durationMs: Math.round(performance.now() - started),
            costUsd: usage?.costUsd,
          });
          await this.store.putFile(key, path, 'audio/mp4', { [CONTENT_HASH]: contentHash });
          await this.usage.record(ref, usage);
        });
      }
      await this.jobs.update(ref.tenantId, ref.jobId, musicCompleted());
    });
  }
}
