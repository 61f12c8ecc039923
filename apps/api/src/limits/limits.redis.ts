import { type OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { createRedisClient, failFastRedisOptions, type RedisClient } from '@app/pipeline';

/** The Redis every API process shares its limits through. */
@Injectable()
export class LimitsRedis implements OnModuleDestroy {
  readonly client: RedisClient;
  /** keys live under the queue prefix, so a hash-tagged prefix keeps them on one cluster slot family */
  readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // a stalled Redis must not hold a request past the dependency timeout (limits then count in memory)
    this.client = createRedisClient(config, {
      maxRetriesPerRequest: 1,
      ...(config.dependencies.failFast ? failFastRedisOptions(config.dependencies.timeoutMs) : {}),
    });
    this.prefix = `${config.queuePrefix}:limits`;
  }

  async onModuleDestroy() {
    await this.client.quit().catch(() => undefined);
  }
}
