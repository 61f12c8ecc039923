import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig, ConfigModule } from '@app/config';
import { GenerationModule } from '@app/generation';
import { PersistenceModule } from '@app/persistence';
import { PipelineModule } from '@app/pipeline';
import { SafetyModule } from '@app/safety';
import { PlannerModule } from '@app/planner';
import { StorageModule } from '@app/storage';
import { loggerModule } from '@app/observability';
import { AdminController } from './admin/admin.controller';
import { AdminQueues } from './admin/admin-queues.service';
import { StaleJobs } from './admin/stale-jobs.service';
import { AuthGuard } from './common/api-key.guard';
import { OpenApiController } from './openapi/openapi.controller';
import { AuditLog } from './operations/audit-log';
import { MetricsController } from './operations/metrics.controller';
import { ApiKeyVerifier } from './common/api-key.verifier';
import { OidcTokenVerifier } from './common/oidc-token.verifier';
import { GlobalExceptionFilter } from './common/global-exception.filter';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { ProbesController } from './health/probes.controller';
import { ReadinessService } from './health/readiness.service';
import { JobEventsService } from './jobs/job-events.service';
import { JobViews } from './jobs/job-view';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { BriefIntake } from './jobs/brief-intake.service';
import { StoryboardsController } from './storyboards/storyboards.controller';
import { StoryboardEstimates } from './storyboards/storyboard-estimates.service';
import { JobArchives } from './jobs/job-archive.service';
import { SafetyAuditController } from './safety/safety-audit.controller';
import { PromptsController } from './prompts/prompts.controller';
import { UsageController } from './usage/usage.controller';
import { StudioConfigController } from './studio/studio-config.controller';
import { LimitsRedis } from './limits/limits.redis';
import { RateLimitGuard } from './limits/rate-limit.guard';
import { TenantQuotas } from './limits/tenant-quotas.service';
import { WebhookDeliveries } from './webhooks/webhook-deliveries';
import { ReplicateWebhookController } from './webhooks/replicate-webhook.controller';
import { RevisionsController } from './revisions/revisions.controller';
import { RevisionsService } from './revisions/revisions.service';
import { GenerateController } from './generate/generate.controller';
import { AssetsService } from './generate/assets.service';
import { AssetViews } from './generate/asset-view';
import { BatchesController } from './batches/batches.controller';
import { BatchesService } from './batches/batches.service';

@Module({})
export class ApiModule {
  static register(config: AppConfig) {
    return {
      module: ApiModule,
      imports: [
        loggerModule(config.observability, 'api'),
        ConfigModule.forRoot(config),
        PersistenceModule,
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
        ProbesController,
        StudioConfigController,
        RevisionsController,
        GenerateController,
        BatchesController,
        MetricsController,
        OpenApiController,
        AdminController,
      ],
      providers: [
        JobsService,
        BriefIntake,
        JobViews,
        JobArchives,
        JobEventsService,
        StoryboardEstimates,
        RevisionsService,
        HealthService,
        ReadinessService,
        AssetsService,
        AssetViews,
        BatchesService,
        ApiKeyVerifier,
        OidcTokenVerifier,
        LimitsRedis,
        TenantQuotas,
        WebhookDeliveries,
        AdminQueues,
        StaleJobs,
        { provide: AuditLog, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new AuditLog(c.observability) },
        AuthGuard,
        // Guards run in this order: the caller is known before its tenant's rate is counted.
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: GlobalExceptionFilter },
      ],
    };
  }
}
