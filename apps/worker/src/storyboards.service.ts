import { Injectable } from '@nestjs/common';
import { AppError, ErrorCodes, type Storyboard, storyboardSchema } from '@app/domain';
import { type JobRef } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';

/** The stored script.json of a job, read once per process and validated on the way in. */
@Injectable()
export class Storyboards {
  private readonly cache = new Map<string, Storyboard>();

  constructor(private readonly store: ArtifactStore) {}

  async load(ref: JobRef): Promise<Storyboard> {
    const cached = this.cache.get(ref.jobId);
    if (cached) return cached;
    const raw = await this.store.getJson<unknown>(new ArtifactKeys(ref.tenantId, ref.jobId).script);
    if (!raw) throw new AppError(ErrorCodes.invalidStoryboard, `script.json of ${ref.jobId} is missing`);
    const storyboard = storyboardSchema.parse(raw);
    if (this.cache.size > 200) this.cache.clear();
    this.cache.set(ref.jobId, storyboard);
    return storyboard;
  }
}
