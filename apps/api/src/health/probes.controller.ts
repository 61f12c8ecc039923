import { Controller, Get, Header, Res } from '@nestjs/common';
import { type Response } from 'express';
import { Public } from '../common/api-key.guard';
import { READINESS_TTL_MS, ReadinessService } from './readiness.service';

/** Probes for load balancers and orchestrators: public, cheap, and saying nothing about the inside. */
@Controller()
export class ProbesController {
  constructor(private readonly readiness: ReadinessService) {}

  /** Liveness: the process answers HTTP. Constant cost, no dependency is called. */
  @Public()
  @Get('healthz')
  @Header('Cache-Control', 'no-store')
  healthz() {
    return { status: 'ok' };
  }

  /** Readiness: Redis, DynamoDB and S3 answer. One probe every few seconds at most, shared by every caller. */
  @Public()
  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  async readyz(@Res({ passthrough: true }) res: Response) {
    const report = await this.readiness.check();
    if (!report.ready) res.status(503).setHeader('Retry-After', String(Math.ceil(READINESS_TTL_MS / 1000)));
    return { status: report.ready ? 'ready' : 'not-ready', ...report };
  }
}
