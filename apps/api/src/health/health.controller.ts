import { Controller, Get, Res } from '@nestjs/common';
import { type Response } from 'express';
import { Public } from '../common/api-key.guard';
import { HealthService } from './health.service';

@Controller('v1/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Unauthenticated. 200 when every component answers, 503 otherwise; always says which backends are active. */
  @Public()
  @Get()
  async get(@Res({ passthrough: true }) res: Response) {
    const report = await this.health.report();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
