import { Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { type RawBodyRequest } from '@nestjs/common';
import { type Request } from 'express';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AppError, Errors } from '@app/domain';
import { acceptReplicateWebhook, ProviderConnection, REPLICATE_WEBHOOK_PATH } from '@app/generation';
import { Public } from '../common/api-key.guard';
import { WEBHOOK_TOLERANCE_SEC, WebhookDeliveries } from './webhook-deliveries';

/**
 * Replicate's prediction webhooks, an alternative to polling. No API key: the Standard Webhooks
 * signature over the raw body proves the sender; a verified prediction is relayed to the workers,
 * once per delivery id.
 */
@Controller(REPLICATE_WEBHOOK_PATH.replace(/^\//, ''))
export class ReplicateWebhookController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly providers: ProviderConnection,
    private readonly deliveries: WebhookDeliveries,
  ) {}

  @Public()
  @Post()
  @HttpCode(204)
  async receive(
    @Req() req: RawBodyRequest<Request>,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ) {
    const secret = this.config.providers.replicateWebhookSecret;
    if (!secret) throw new AppError(Errors.webhookNotConfigured, 'Replicate webhooks are not configured here');
    const { webhookId, prediction } = acceptReplicateWebhook(secret, headers, req.rawBody ?? Buffer.alloc(0), {
      toleranceSec: WEBHOOK_TOLERANCE_SEC,
    });
    // A replayed delivery (same id, still inside the window) is acknowledged and not acted on again.
    if (!(await this.deliveries.claim('replicate', webhookId))) return;
    try {
      await this.providers.relay.publish(this.providers.redis, prediction);
    } catch (error) {
      await this.deliveries.forget('replicate', webhookId);
      throw error;
    }
  }
}
