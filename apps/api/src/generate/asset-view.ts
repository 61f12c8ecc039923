import { Injectable } from '@nestjs/common';
import { type AssetOutputMetadata, type Job } from '@app/domain';
import { ArtifactStore } from '@app/storage';

export interface AssetOutputView {
  type: string;
  url?: string;
  /** base64 of the file (return_format base64) */
  data?: string;
  contentType: string;
  width: number;
  height: number;
  durationSec: number | null;
  metadata: AssetOutputMetadata | null;
}

export interface AssetView {
  id: string;
  kind: 'asset';
  type: string;
  mode: string;
  status: Job['status'];
  progress: number;
  createdAt: string;
  updatedAt: string;
  outputs: AssetOutputView[];
  error: Job['error'];
  links: { self: string; job: string; events: string };
}

/** The public shape of a single asset: outputs presigned (or inline as base64) with what made them. */
@Injectable()
export class AssetViews {
  constructor(private readonly store: ArtifactStore) {}

  async of(job: Job): Promise<AssetView> {
    const request = job.asset!.request;
    const inline = request.returnFormat === 'base64';
    const outputs = await Promise.all(
      job.outputs.map(async (output, i): Promise<AssetOutputView> => ({
        type: output.type,
        ...(inline
          ? { data: (await this.store.readBuffer(output.key)).toString('base64') }
          : { url: await this.store.presign(output.key) }),
        contentType: output.contentType,
        width: output.width,
        height: output.height,
        durationSec: output.durationSec,
        metadata: job.asset?.metadata[i] ?? null,
      })),
    );
    return {
      id: job.id,
      kind: 'asset',
      type: request.type,
      mode: request.mode,
      status: job.status,
      progress: job.progress,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      outputs,
      error: job.error,
      links: { self: `/v1/generate/${job.id}`, job: `/v1/jobs/${job.id}`, events: `/v1/jobs/${job.id}/events` },
    };
  }
}
