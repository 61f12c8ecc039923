import { type Writable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { AppError, Errors, type Job } from '@app/domain';
import { type ArchiveEntry, ArtifactStore, isCompressedType, writeZipArchive } from '@app/storage';
import { outputFileName } from './output-files';

/** One ZIP of a completed job's outputs, streamed from storage as it is sent. */
@Injectable()
export class JobArchives {
  private readonly logger = new Logger(JobArchives.name);

  constructor(private readonly store: ArtifactStore) {}

  /** 409 JOB.NOT_COMPLETED unless the job has completed: before that its outputs are missing or partial. */
  assertArchivable(job: Job): void {
    if (job.status !== 'completed') {
      throw new AppError(
        Errors.jobNotCompleted,
        `job ${job.id} is ${job.status}: its outputs can be downloaded once it has completed`,
      );
    }
  }

  /** The job's outputs as archive entries, under `folder/` when several jobs share one archive. */
  entriesOf(job: Job, folder = ''): ArchiveEntry[] {
    return job.outputs.map((output) => ({
      name: `${folder ? `${folder}/` : ''}${outputFileName(output)}`,
      compress: !isCompressedType(output.contentType),
      open: async () => (await this.store.openRead(output.key)).body,
    }));
  }

  /** Streams the ZIP into `out`; a failure midway cuts the download short (the headers are gone) and is logged. */
  async write(out: Writable, entries: ArchiveEntry[], what: string): Promise<boolean> {
    try {
      await writeZipArchive(out, entries);
      return true;
    } catch (error) {
      this.logger.warn(`${what}: archive not completed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
