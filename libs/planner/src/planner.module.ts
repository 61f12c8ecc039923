import { Module } from '@nestjs/common';
import { STORYBOARD_PLANNER } from './storyboard-planner.port';
import { TemplatePlanner } from './template.planner';

/** Binds the planner port. Until an LLM planner is configured, the embedded template serves. */
@Module({
  providers: [TemplatePlanner, { provide: STORYBOARD_PLANNER, useExisting: TemplatePlanner }],
  exports: [STORYBOARD_PLANNER],
})
export class PlannerModule {}
