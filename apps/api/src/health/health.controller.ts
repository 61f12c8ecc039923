import { Controller, Get, Res } from '@nestjs/common';
import { type Response } from 'express';
import { AdminOnly } from '../common/api-key.guard';
import { HealthService } from './health.service';

@Controller('v1/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /**
   * The detailed report (providers, workers, models, key fingerprints): admin scope only, since it
   * names the inside and calls every dependency. 503 when a core component is down, else 200
   * (`degraded` when a provider has trouble). Load balancers use /healthz and /readyz.
   */
  @AdminOnly()
  @Get()
  async get(@Res({ passthrough: true }) res: Response) {
    const report = await this.health.report();
    res.status(report.status === 'down' ? 503 : 200);
    return report;
  }
}
