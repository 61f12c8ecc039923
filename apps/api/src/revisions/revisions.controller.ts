import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { type Response } from 'express';
import { Actor, Tenant } from '../common/tenant.decorator';
import { JobViews } from '../jobs/job-view';
import { RevisionsService } from './revisions.service';

/**
 * Edits after render. `POST` takes a whole storyboard or patches of scene fields, brief fields
 * that keep the ad's length, and scenes to regenerate; it answers 202 with the revision number,
 * which the job's events stream like a first render (`?dryRun=true`: 200 with what it would make
 * again and cost, nothing started). `GET` lists every revision with what it
 * changed, its status, cost and outputs (presigned now: every completed revision stays downloadable).
 */
@Controller('v1/jobs/:id/revisions')
export class RevisionsController {
  constructor(
    private readonly revisions: RevisionsService,
    private readonly views: JobViews,
  ) {}

  @Post()
  @HttpCode(202)
  async create(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
    @Query('dryRun') dryRun?: string,
  ) {
    if (dryRun === 'true') {
      // what it would make again and cost, nothing written: shown before a person confirms
      res.status(200);
      return { id, ...(await this.revisions.create({ tenantId, actor }, id, body, { dryRun: true })), dryRun: true };
    }
    const accepted = await this.revisions.create({ tenantId, actor }, id, body);
    const self = `/v1/jobs/${id}`;
    res.setHeader('Location', `${self}/revisions`);
    return {
      id,
      ...accepted,
      status: 'generating',
      links: { self, events: `${self}/events`, revisions: `${self}/revisions` },
    };
  }

  @Get()
  async list(@Tenant() tenantId: string, @Param('id') id: string) {
    const { job, revisions, storyboard } = await this.revisions.list(tenantId, id);
    return {
      id: job.id,
      current: job.revision ?? 0,
      storyboard,
      items: await Promise.all(
        revisions.map(async ({ outputs, baseCostUsd: _base, ...revision }) => ({
          ...revision,
          outputs: await this.views.outputs(
            job.id,
            outputs,
            revision.number ? `${job.id}-r${revision.number}` : job.id,
          ),
        })),
      ),
    };
  }
}
