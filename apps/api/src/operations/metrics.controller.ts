import { Controller, Get, Header, Res } from '@nestjs/common';
import { type Response } from 'express';
import { metrics, refreshQueueDepths } from '@app/observability';
import { AdminQueues } from '../admin/admin-queues.service';
import { Public } from '../common/api-key.guard';

/**
 * Prometheus text for a scraper: the API's HTTP, SSE and job-outcome series and every queue's
 * depth. Unauthenticated like health (scrapers carry no API key): keep the port off the internet
 * or filter /metrics at the load balancer.
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly queues: AdminQueues) {}

  @Public()
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response) {
    await refreshQueueDepths(this.queues.all).catch(() => undefined);
    res.setHeader('Content-Type', metrics.contentType);
    res.send(await metrics.text());
  }
}
