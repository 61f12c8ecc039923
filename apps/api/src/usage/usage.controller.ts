import { Controller, Get, Query } from '@nestjs/common';
import { TenantUsageRepository } from '@app/persistence';
import { ValidationError } from '../common/global-exception.filter';
import { Tenant } from '../common/tenant.decorator';

/** What the tenant's jobs used this month (or `?month=YYYY-MM`): generation seconds, calls, estimated cost. */
@Controller('v1/usage')
export class UsageController {
  constructor(private readonly usage: TenantUsageRepository) {}

  @Get()
  async get(@Tenant() tenantId: string, @Query('month') month?: string) {
    if (month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
      throw new ValidationError([{ field: 'month', reason: 'must be YYYY-MM' }]);
    }
    return this.usage.get(tenantId, month);
  }
}
