import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LimitsRedis } from '../limits/limits.redis';

/** How far a delivery's timestamp may be from our clock (the verifier's default), either way. */
export const WEBHOOK_TOLERANCE_SEC = 300;

/**
 * Webhook deliveries already acted on, by their `webhook-id`, for as long as a replay of them
 * could still verify (twice the timestamp tolerance): shared by every API process through Redis.
 */
@Injectable()
export class WebhookDeliveries {
  constructor(private readonly redis: LimitsRedis) {}

  /** True the first time `id` is seen within the window; a replay gets false. */
  async claim(source: string, id: string): Promise<boolean> {
    const answer = await this.redis.client.set(this.key(source, id), '1', 'EX', 2 * WEBHOOK_TOLERANCE_SEC, 'NX');
    return answer === 'OK';
  }

  /** The delivery could not be acted on: a redelivery of it must be accepted. */
  async forget(source: string, id: string): Promise<void> {
    await this.redis.client.del(this.key(source, id)).catch(() => undefined);
  }

  private key(source: string, id: string): string {
    // Hashed: the id is the sender's text, of any length.
    return `${this.redis.prefix}:webhook:${source}:${createHash('sha256').update(id).digest('hex')}`;
  }
}
