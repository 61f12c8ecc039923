import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { type Response } from 'express';
import { type AssetType, isTerminal } from '@app/domain';
import { Actor, Tenant } from '../common/tenant.decorator';
import { ValidationError } from '../common/global-exception.filter';
import { AssetViews } from './asset-view';
import { AssetsService, MAX_WAIT_SEC } from './assets.service';

/**
 * Single assets: `POST /v1/generate/image|video|gif` answers 202 with the asset's id (its events are
 * the job's, at /v1/jobs/:id/events); with `?wait=N` it waits up to N seconds and answers 200 with
 * the outputs once made. `GET /v1/generate/:id` reads one again.
 */
@Controller('v1/generate')
export class GenerateController {
  constructor(
    private readonly assets: AssetsService,
    private readonly views: AssetViews,
  ) {}

  @Post('image')
  image(
    @Tenant() t: string,
    @Actor() a: string,
    @Body() body: unknown,
    @Query('wait') wait: string,
    @Res() res: Response,
  ) {
    return this.generate('image', t, a, body, wait, res);
  }

  @Post('video')
  video(
    @Tenant() t: string,
    @Actor() a: string,
    @Body() body: unknown,
    @Query('wait') wait: string,
    @Res() res: Response,
  ) {
    return this.generate('video', t, a, body, wait, res);
  }

  @Post('gif')
  gif(
    @Tenant() t: string,
    @Actor() a: string,
    @Body() body: unknown,
    @Query('wait') wait: string,
    @Res() res: Response,
  ) {
    return this.generate('gif', t, a, body, wait, res);
  }

  @Get(':id')
  async get(@Tenant() tenantId: string, @Param('id') id: string) {
    return this.views.of(await this.assets.get(tenantId, id));
  }

  private async generate(
    type: AssetType,
    tenantId: string,
    actor: string,
    body: unknown,
    waitRaw: string | undefined,
    res: Response,
  ): Promise<void> {
    const wait = waitRaw === undefined || waitRaw === '' ? 0 : Number(waitRaw);
    if (!Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_SEC)
      throw new ValidationError([
        { field: 'wait', reason: `must be a whole number of seconds from 0 to ${MAX_WAIT_SEC}` },
      ]);
    let job = await this.assets.submit({ tenantId, actor }, type, body);
    if (wait) job = await this.assets.waitFor(job, wait);
    res.setHeader('Location', `/v1/generate/${job.id}`);
    res.status(isTerminal(job.status) ? 200 : 202).json(await this.views.of(job));
  }
}
