import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import {
  type PlanReport,
  SafetyScreen,
  STORYBOARD_PLANNER,
  type StoryboardPlanner,
  storyboardTexts,
} from '@app/planner';
import { Actor, Tenant } from '../common/tenant.decorator';
import { BriefIntake } from '../jobs/brief-intake.service';

/**
 * Review before render: plans a brief and returns the storyboard without generating anything.
 * A person may edit it and submit it with the brief to POST /v1/jobs, which then skips planning.
 */
@Controller('v1/storyboards')
export class StoryboardsController {
  constructor(
    private readonly intake: BriefIntake,
    private readonly safety: SafetyScreen,
    @Inject(STORYBOARD_PLANNER) private readonly planner: StoryboardPlanner,
  ) {}

  @Post()
  @HttpCode(200)
  async plan(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    const intake = this.intake.parse(body, { allowStoryboard: false });
    await this.intake.screen(intake, { tenantId, actor, stage: 'storyboard' });
    let report: PlanReport | null = null;
    const storyboard = await this.planner.plan(intake.brief, { onReport: (r) => (report = r) });
    await this.safety.enforce(storyboardTexts(storyboard), { tenantId, actor, stage: 'storyboard' });
    return {
      brief: intake.brief,
      storyboard,
      planning: report ?? { planner: this.planner.name, model: this.planner.model ?? null },
    };
  }
}
