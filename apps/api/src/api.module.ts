import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { type AppConfig, ConfigModule } from '@app/config';
import { GenerationModule } from '@app/generation';
import { JobsModule } from '@app/jobs';
import { PipelineModule } from '@app/pipeline';
import { PlannerModule, SafetyModule } from '@app/planner';
import { StorageModule } from '@app/storage';
import { ApiKeyGuard } from './common/api-key.guard';
import { GlobalExceptionFilter } from './common/global-exception.filter';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { JobEventsService } from './jobs/job-events.service';
import { JobViews } from './jobs/job-view';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { BriefIntake } from './jobs/brief-intake.service';
import { StoryboardsController } from './storyboards/storyboards.controller';
import { SafetyAuditController } from './safety/safety-audit.controller';
import { PromptsController } from './prompts/prompts.controller';
import { UsageController } from './usage/usage.controller';
import { ReplicateWebhookController } from './webhooks/replicate-webhook.controller';

@Module({})
export class ApiModule {
  static register(config: AppConfig) {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        JobsModule,
        StorageModule,
        PipelineModule,
        PlannerModule,
        SafetyModule,
        GenerationModule,
      ],
      controllers: [
        JobsController,
        StoryboardsController,
        PromptsController,
        SafetyAuditController,
        UsageController,
        ReplicateWebhookController,
        HealthController,
      ],
      providers: [
        JobsService,
        BriefIntake,
        JobViews,
        JobEventsService,
        HealthService,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: GlobalExceptionFilter },
      ],
    };
  }
}
