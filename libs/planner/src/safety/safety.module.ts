import { Module } from '@nestjs/common';
import { SafetyAuditLog } from '@app/jobs';
import { LLM_CLIENT } from '../planner.module';
import { SAFETY_AUDIT, SAFETY_LLM, SafetyScreen } from './safety.screen';

/** The safety screen, auditing into the job table; needs JobsModule and PlannerModule in the app. */
@Module({
  providers: [
    SafetyScreen,
    { provide: SAFETY_AUDIT, useExisting: SafetyAuditLog },
    { provide: SAFETY_LLM, useExisting: LLM_CLIENT },
  ],
  exports: [SafetyScreen],
})
export class SafetyModule {}
