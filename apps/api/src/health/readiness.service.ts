import { Inject, Injectable } from '@nestjs/common';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DYNAMO_CLIENT, JobChangeNotifier } from '@app/persistence';
import { ArtifactStore } from '@app/storage';
import { SingleFlightCache } from './single-flight-cache';

/**
 * How long one readiness answer is reused: a load balancer polling every few seconds, or 200 callers
 * at once, cost one probe. For as long again, the last answer is given while one refresh runs.
 */
export const READINESS_TTL_MS = 2_000;
/** A core component that does not answer within this is not ready (the probe never outlasts it). */
const PROBE_TIMEOUT_MS = 1_000;

export interface Readiness {
  ready: boolean;
  /** core components only, and only whether each answered: no hosts, latencies or messages for the public */
  components: { redis: boolean; dynamodb: boolean; s3: boolean };
  checkedAt: string;
}

/** Readiness for GET /readyz: Redis, DynamoDB and S3 answer; nothing about providers, workers or ffmpeg. */
@Injectable()
export class ReadinessService {
  private readonly cache = new SingleFlightCache(() => this.probe(), READINESS_TTL_MS);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DYNAMO_CLIENT) private readonly dynamo: DynamoDBDocumentClient,
    private readonly notifier: JobChangeNotifier,
    private readonly store: ArtifactStore,
  ) {}

  check(): Promise<Readiness> {
    return this.cache.get();
  }

  private async probe(): Promise<Readiness> {
    const [redis, dynamodb, s3] = await Promise.all([
      answers(() => this.notifier.ping()),
      answers(
        async () => void (await this.dynamo.send(new DescribeTableCommand({ TableName: this.config.dynamodb.table }))),
      ),
      answers(() => this.store.ping()),
    ]);
    return { ready: redis && dynamodb && s3, components: { redis, dynamodb, s3 }, checkedAt: new Date().toISOString() };
  }
}

async function answers(probe: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS))),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
