import { Injectable } from '@nestjs/common';
import { AppError, Errors, type Storyboard, storyboardSchema } from '@app/domain';
import { type JobRef, revisionOf } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';

/** The stored script.json of a job (of the revision the work is for), read once per process and validated. */
@Injectable()
export class Storyboards {
  private readonly cache = new Map<string, Storyboard>();

  constructor(private readonly store: ArtifactStore) {}

  async load(ref: JobRef): Promise<Storyboard> {
    const id = `${ref.jobId}#${revisionOf(ref)}`;
    const cached = this.cache.get(id);
    if (cached) return cached;
    const raw = await this.store.getJson<unknown>(new ArtifactKeys(ref.tenantId, ref.jobId, revisionOf(ref)).script);
    if (!raw) throw new AppError(Errors.invalidStoryboard, `script.json of ${ref.jobId} is missing`);
    const storyboard = storyboardSchema.parse(raw);
    if (this.cache.size > 200) this.cache.clear();
    this.cache.set(id, storyboard);
    return storyboard;
  }
}
