import { Controller, Get, Query } from '@nestjs/common';
import { SafetyAuditLog } from '@app/safety';
import { ValidationError } from '../common/global-exception.filter';
import { Tenant } from '../common/tenant.decorator';

/** The tenant's blocked requests: who, when, stage, category, reason and the prompt's hash (never the prompt). */
@Controller('v1/safety/audit')
export class SafetyAuditController {
  constructor(private readonly audit: SafetyAuditLog) {}

  @Get()
  async list(@Tenant() tenantId: string, @Query('limit') limitRaw?: string) {
    const limit = limitRaw === undefined ? 50 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new ValidationError([{ field: 'limit', reason: 'must be a whole number from 1 to 200' }]);
    }
    return { items: await this.audit.list(tenantId, limit) };
  }
}
