import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { type JobStatus } from '@app/domain';
import { createRedisClient, type RedisClient, type RedisTarget } from '@app/pipeline';
import { Observable, share } from 'rxjs';

/** "Read me again": the row is the truth, a notice only says it changed and to which version. */
export interface JobChangeNotice {
  tenantId: string;
  id: string;
  version: number;
  status: JobStatus;
}

@Injectable()
export class JobChangeNotifier implements OnModuleDestroy {
  private readonly logger = new Logger(JobChangeNotifier.name);
  private readonly channel: string;
  private readonly target: RedisTarget;
  /** the API's publisher gives up after the dependency timeout (a stalled Redis is a 503, not a hung request) */
  private readonly commandTimeout: number | undefined;
  private publisher: RedisClient | null = null;
  private subscriber: RedisClient | null = null;
  /** One Redis subscription per process, shared by every watcher in it. */
  readonly changes$: Observable<JobChangeNotice>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.channel = `${config.queuePrefix}:job-changes`;
    this.target = config;
    this.commandTimeout = config.dependencies.failFast ? config.dependencies.timeoutMs : undefined;
    this.changes$ = new Observable<JobChangeNotice>((subscriber) => {
      const redis = (this.subscriber ??= createRedisClient(this.target, { maxRetriesPerRequest: null }));
      const onMessage = (channel: string, message: string) => {
        if (channel !== this.channel) return;
        try {
          subscriber.next(JSON.parse(message) as JobChangeNotice);
        } catch {
          this.logger.warn(`ignored a malformed notice on ${channel}`);
        }
      };
      redis.on('message', onMessage);
      redis.subscribe(this.channel).catch((error: unknown) => subscriber.error(error));
      return () => {
        redis.off('message', onMessage);
        void redis.unsubscribe(this.channel).catch(() => undefined);
      };
    }).pipe(share());
  }

  async publish(notice: JobChangeNotice): Promise<void> {
    await this.connection().publish(this.channel, JSON.stringify(notice));
  }

  /** Reachability of the Redis that carries notices and queues (health). */
  async ping(): Promise<void> {
    await this.connection().ping();
  }

  private connection(): RedisClient {
    return (this.publisher ??= createRedisClient(this.target, {
      maxRetriesPerRequest: 1,
      commandTimeout: this.commandTimeout,
    }));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.publisher?.quit(), this.subscriber?.quit()].map((p) => p?.catch(() => undefined)));
  }
}
