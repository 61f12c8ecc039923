import { Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { type RawBodyRequest } from '@nestjs/common';
import { type Request } from 'express';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AppError } from '@app/domain';
import { acceptReplicateWebhook, ProviderConnection, REPLICATE_WEBHOOK_PATH } from '@app/generation';
import { Public } from '../common/api-key.guard';

/**
 * Replicate's prediction webhooks, an alternative to polling. No API key: the Standard Webhooks
 * signature over the raw body proves the sender; a verified prediction is relayed to the workers.
 */
@Controller(REPLICATE_WEBHOOK_PATH.replace(/^\//, ''))
export class ReplicateWebhookController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly providers: ProviderConnection,
  ) {}

  @Public()
  @Post()
  @HttpCode(204)
  async receive(
    @Req() req: RawBodyRequest<Request>,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ) {
    const secret = this.config.providers.replicateWebhookSecret;
    if (!secret)
      throw new AppError('WEBHOOK.NOT_CONFIGURED', 'Replicate webhooks are not configured here', { status: 404 });
    const { prediction } = acceptReplicateWebhook(secret, headers, req.rawBody ?? Buffer.alloc(0));
    await this.providers.relay.publish(this.providers.redis, prediction);
  }
}
