import { Injectable } from '@nestjs/common';
import { type GenerationUsage } from '@app/generation';
import { JobRepository, TenantUsageRepository } from '@app/jobs';
import { type JobRef } from '@app/pipeline';

/** Adds what a generation used to its job's cost record and to the tenant's monthly usage. */
@Injectable()
export class UsageRecorder {
  constructor(
    private readonly jobs: JobRepository,
    private readonly tenantUsage: TenantUsageRepository,
  ) {}

  async record(ref: JobRef, usage: GenerationUsage | undefined): Promise<void> {
    if (!usage || (usage.costUsd <= 0 && usage.calls <= 0)) return;
    await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
      j.usage ??= { items: [], costUsd: 0, estimatedCostUsd: null };
      j.usage.items.push(usage);
      j.usage.costUsd = Math.round((j.usage.costUsd + usage.costUsd) * 1e6) / 1e6;
    });
    await this.tenantUsage.add(ref.tenantId, usage);
  }
}
