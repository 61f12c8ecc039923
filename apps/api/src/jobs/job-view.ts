import { Injectable } from '@nestjs/common';
import { type Job } from '@app/domain';
import { ArtifactStore } from '@app/storage';

export interface JobView {
  id: string;
  status: Job['status'];
  progress: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  brief: Job['brief'];
  scenes: Array<Omit<Job['scenes'][number], 'clipKey' | 'providerJob'> & { clipUrl?: string; providerJobId?: string }>;
  music: Job['music'];
  keyframes: Job['keyframes'] | null;
  outputs: Array<{
    type: string;
    url: string;
    contentType: string;
    width: number;
    height: number;
    durationSec: number | null;
  }>;
  error: Job['error'];
  stages: Job['stages'];
  backends: Job['backends'];
  planning: Job['planning'];
  usage: Job['usage'] | null;
}

/** The public shape of a job: the row, with artifact keys replaced by URLs presigned at read time. */
@Injectable()
export class JobViews {
  constructor(private readonly store: ArtifactStore) {}

  async of(job: Job): Promise<JobView> {
    const scenes = await Promise.all(
      job.scenes.map(async ({ clipKey, providerJob, ...rest }) => {
        // The provider's job id helps support find a generation; its endpoint stays internal.
        const scene = providerJob ? { ...rest, providerJobId: providerJob.id } : rest;
        return scene.status === 'completed' && clipKey
          ? { ...scene, clipUrl: await this.store.presign(clipKey) }
          : scene;
      }),
    );
    const outputs = await Promise.all(
      job.outputs.map(async ({ key, ...output }) => ({ ...output, url: await this.store.presign(key) })),
    );
    return {
      id: job.id,
      status: job.status,
      progress: job.progress,
      version: job.version,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      brief: job.brief,
      scenes,
      music: job.music,
      keyframes: job.keyframes ?? null,
      outputs,
      error: job.error,
      stages: job.stages,
      backends: job.backends,
      planning: job.planning,
      usage: job.usage ?? null,
    };
  }
}
