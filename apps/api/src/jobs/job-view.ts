import { Injectable } from '@nestjs/common';
import { currentRevision, type Job, type JobKind, kindOf, type StoredOutput } from '@app/domain';
import { ArtifactStore } from '@app/storage';
import { outputFileName } from './output-files';

export interface JobView {
  id: string;
  /** `ad` (a brief made into a spot) or `asset` (POST /v1/generate/*) */
  kind: JobKind;
  /** kind `asset`: what it is and how it was asked for */
  asset: { type: string; mode: string; prompt: string; profile: string } | null;
  status: Job['status'];
  progress: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  brief: Job['brief'];
  scenes: Array<
    Omit<Job['scenes'][number], 'clipKey' | 'providerJob' | 'retryProviderJob' | 'createIntents'> & {
      clipUrl?: string;
      providerJobId?: string;
    }
  >;
  music: Omit<Job['music'], 'providerJob'>;
  keyframes: Job['keyframes'] | null;
  outputs: Array<{
    type: string;
    aspectRatio: string | null;
    url: string;
    /** the same object, answered with Content-Disposition: attachment (a browser saves it as `fileName`) */
    downloadUrl: string;
    fileName: string;
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
  /** the revision shown: 0 is the first render; a running one is being made */
  revision: { number: number; status: string; estimatedCostUsd: number | null };
  /** The major statement's compliance report (issue 17), or null. */
  compliance: Job['compliance'] | null;
}

export type OutputView = JobView['outputs'][number];

/** The public shape of a job: the row, with artifact keys replaced by URLs presigned at read time. */
@Injectable()
export class JobViews {
  constructor(private readonly store: ArtifactStore) {}

  async of(job: Job): Promise<JobView> {
    const scenes = await Promise.all(
      job.scenes.map(async ({ clipKey, providerJob, retryProviderJob: _retry, createIntents: _intents, ...rest }) => {
        // The provider's job id helps support find a generation; its endpoint stays internal.
        const scene = providerJob ? { ...rest, providerJobId: providerJob.id } : rest;
        return scene.status === 'completed' && clipKey
          ? { ...scene, clipUrl: await this.store.presign(clipKey) }
          : scene;
      }),
    );
    const outputs = await this.outputs(job.id, job.outputs);
    const current = currentRevision(job);
    const asset = job.asset?.request;
    return {
      id: job.id,
      kind: kindOf(job),
      asset: asset ? { type: asset.type, mode: asset.mode, prompt: asset.prompt, profile: asset.profile } : null,
      status: job.status,
      progress: job.progress,
      version: job.version,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      brief: job.brief,
      scenes,
      music: withoutProviderJob(job.music),
      keyframes: job.keyframes ?? null,
      outputs,
      error: job.error,
      stages: job.stages,
      backends: job.backends,
      planning: job.planning,
      usage: job.usage ?? null,
      revision: {
        number: job.revision ?? 0,
        status: current?.status ?? (job.status === 'completed' ? 'completed' : job.status),
        estimatedCostUsd: current?.estimatedCostUsd ?? null,
      },
      compliance: job.compliance ?? null,
    };
  }

  /** Stored outputs with URLs presigned now (each revision's outputs under its own keys). */
  outputs(jobId: string, stored: readonly StoredOutput[], prefix = jobId): Promise<OutputView[]> {
    return Promise.all(
      stored.map(async ({ key, ...output }) => {
        const fileName = outputFileName(output);
        return {
          ...output,
          url: await this.store.presign(key),
          downloadUrl: await this.store.presignDownload(key, `${prefix}-${fileName}`),
          fileName,
        };
      }),
    );
  }
}

/** A part's provider job stays internal (its endpoint names a server or a key). */
function withoutProviderJob<T extends { providerJob?: unknown }>(part: T): Omit<T, 'providerJob'> {
  const { providerJob: _internal, ...rest } = part;
  return rest;
}
