import { Module } from '@nestjs/common';
import { LLM_CLIENT } from '@app/planner';
import { SafetyAuditLog } from './audit/safety-audit.log';
import { SAFETY_AUDIT, SAFETY_LLM, SafetyScreen } from './input/safety.screen';

/** The input screen, auditing blocks into the job table; needs PersistenceModule and PlannerModule in the app. */
@Module({
  providers: [
    SafetyAuditLog,
    SafetyScreen,
    { provide: SAFETY_AUDIT, useExisting: SafetyAuditLog },
    { provide: SAFETY_LLM, useExisting: LLM_CLIENT },
  ],
  exports: [SafetyScreen, SafetyAuditLog],
})
export class SafetyModule {}
