import { RateLimited } from '../limits/rate-limit.guard';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { SafetyScreen, storyboardTexts } from '@app/safety';
import { type PlanReport, STORYBOARD_PLANNER, type StoryboardPlanner } from '@app/planner';
import { Actor, Tenant } from '../common/tenant.decorator';
import { ValidationError } from '../common/global-exception.filter';
import { BriefIntake } from '../jobs/brief-intake.service';
import { TenantQuotas } from '../limits/tenant-quotas.service';
import { StoryboardEstimates } from './storyboard-estimates.service';

/**
 * Review before render: plans a brief and returns the storyboard without generating anything.
 * A person may edit it and submit it with the brief to POST /v1/jobs, which then skips planning.
 */
@Controller('v1/storyboards')
@RateLimited('tools')
export class StoryboardsController {
  constructor(
    private readonly intake: BriefIntake,
    private readonly safety: SafetyScreen,
    @Inject(STORYBOARD_PLANNER) private readonly planner: StoryboardPlanner,
    private readonly estimates: StoryboardEstimates,
    private readonly quotas: TenantQuotas,
  ) {}

  @Post()
  @HttpCode(200)
  async plan(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    const intake = this.intake.parse(body, { allowStoryboard: false });
    await this.intake.screen(intake, { tenantId, actor, stage: 'storyboard' });
    // An LLM planner bills by the token: a tenant at its monthly cap is refused before it is asked.
    if (this.planner.paid) await this.quotas.assertMonthlySpendLeft(tenantId);
    let report: PlanReport | null = null;
    const storyboard = await this.planner.plan(intake.brief, { onReport: (r) => (report = r) });
    await this.safety.enforce(storyboardTexts(storyboard), { tenantId, actor, stage: 'storyboard' });
    return {
      brief: intake.brief,
      storyboard,
      planning: report ?? { planner: this.planner.name, model: this.planner.model ?? null },
    };
  }

  /**
   * The body POST /v1/jobs takes (the brief's fields and `storyboard`) -> 200 with its estimated cost
   * and `problems`: the rules it breaks against its brief, which a render would refuse with a 400.
   * A body that cannot be estimated at all (bad brief, malformed storyboard) is a 400 itself.
   */
  @Post('estimate')
  @HttpCode(200)
  estimate(@Body() body: unknown) {
    const checked = this.intake.check(body, { allowStoryboard: true });
    const problems = [...checked.problems];
    if (!checked.storyboard && !problems.some((p) => p.field.startsWith('storyboard')))
      problems.push({ field: 'storyboard', reason: 'is required: the storyboard to estimate' });
    if (!checked.brief || !checked.storyboard || problems.length) throw new ValidationError(problems);
    return { ...this.estimates.estimate(checked.brief, checked.storyboard), problems: checked.ruleProblems };
  }
}
