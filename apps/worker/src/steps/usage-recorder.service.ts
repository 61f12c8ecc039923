import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AppError, Errors, usageRecorded } from '@app/domain';
import { type GenerationUsage } from '@app/generation';
import { JobRepository, TenantUsageRepository } from '@app/persistence';
import { type JobRef } from '@app/pipeline';

/**
 * Adds what a generation used to its job's cost record and to the tenant's monthly usage, and
 * refuses a paid call that would take the tenant past MONTHLY_SPEND_CAP_USD.
 */
@Injectable()
export class UsageRecorder {
  constructor(
    private readonly jobs: JobRepository,
    private readonly tenantUsage: TenantUsageRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Before a paid call of about `moreUsd`: BUDGET.MONTHLY_CAP_REACHED (not retried) when it does not fit this month. */
  async assertMonthlyRoom(tenantId: string, moreUsd: number): Promise<void> {
    if (moreUsd <= 0) return;
    const cap = this.config.limits.monthlySpendCapUsd;
    const { costUsd, month } = await this.tenantUsage.get(tenantId);
    if (costUsd + moreUsd <= cap + 1e-9) return;
    throw new AppError(
      Errors.monthlySpendCapReached,
      `this would take the tenant's spend in ${month} to about $${(costUsd + moreUsd).toFixed(2)}, over the monthly cap of $${cap.toFixed(2)}`,
    );
  }

  /**
   * Before a paid call whose price is not known beforehand (an LLM's tokens): BUDGET.MONTHLY_CAP_REACHED
   * (not retried) once the tenant's spend this month has reached the cap, as the API refuses a submit.
   */
  async assertBelowCap(tenantId: string): Promise<void> {
    const cap = this.config.limits.monthlySpendCapUsd;
    const { costUsd, month } = await this.tenantUsage.get(tenantId);
    if (costUsd + 1e-9 < cap) return;
    throw new AppError(
      Errors.monthlySpendCapReached,
      `the tenant spent $${costUsd.toFixed(2)} in ${month}, the monthly cap is $${cap.toFixed(2)}`,
    );
  }

  async record(ref: JobRef, usage: GenerationUsage | undefined): Promise<void> {
    if (!usage || (usage.costUsd <= 0 && usage.calls <= 0)) return;
    await this.jobs.update(ref.tenantId, ref.jobId, usageRecorded(usage));
    await this.tenantUsage.add(ref.tenantId, usage);
  }
}
