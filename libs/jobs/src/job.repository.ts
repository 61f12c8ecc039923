import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  AppError,
  canTransition,
  ErrorCodes,
  InvalidTransitionError,
  isTerminal,
  type Job,
  overallProgress,
} from '@app/domain';
import { JobChangeNotifier } from './job-change.notifier';
import { ACTIVE_INDEX } from './table.definition';

export const DYNAMO_CLIENT = Symbol('DYNAMO_CLIENT');

const ACTIVE = 'ACTIVE';
const MAX_UPDATE_ATTEMPTS = 25;

export interface JobPage {
  items: Job[];
  nextCursor: string | null;
}

export interface IdempotencyRecord {
  jobId: string;
  requestHash: string;
}

const tenantPk = (tenantId: string) => `TENANT#${tenantId}`;
const jobSk = (id: string) => `JOB#${id}`;

/**
 * The job table. Every write is a conditional state transition: create only if absent, update
 * only if the version read is still current (a lost race re-reads and re-applies), and never
 * touch a terminal row. After each write a change notice is published for watchers.
 */
@Injectable()
export class JobRepository {
  private readonly logger = new Logger(JobRepository.name);
  private readonly table: string;

  constructor(
    @Inject(DYNAMO_CLIENT) private readonly db: DynamoDBDocumentClient,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly notifier: JobChangeNotifier,
  ) {
    this.table = config.dynamodb.table;
  }

  async create(job: Job): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: this.toItem(job),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new AppError(ErrorCodes.conflict, `job ${job.id} already exists`, { cause: error, status: 409 });
      }
      throw error;
    }
    await this.notify(job);
  }

  async get(tenantId: string, id: string): Promise<Job | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: tenantPk(tenantId), sk: jobSk(id) }, ConsistentRead: true }),
    );
    return Item ? this.fromItem(Item) : null;
  }

  /** Newest first. The cursor is opaque to clients and bound to the tenant that received it. */
  async list(tenantId: string, limit: number, cursor: string | null): Promise<JobPage> {
    const startKey = cursor ? decodeCursor(cursor, tenantId) : undefined;
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :job)',
        ExpressionAttributeValues: { ':pk': tenantPk(tenantId), ':job': 'JOB#' },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return {
      items: Items.map((item) => this.fromItem(item)),
      nextCursor: LastEvaluatedKey ? encodeCursor(tenantId, String(LastEvaluatedKey.sk)) : null,
    };
  }

  /**
   * Applies `mutate` to the current row and writes it if nobody wrote in between; on a lost race
   * it re-reads and re-applies. `mutate` may return false to say "nothing to change".
   * Throws JOB.TERMINAL for a terminal row, JOB.NOT_FOUND for a missing one.
   */
  async update(tenantId: string, id: string, mutate: (job: Job) => boolean | void): Promise<Job> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(tenantId, id);
      if (!current) throw new AppError(ErrorCodes.notFound, `job ${id} not found`, { status: 404 });
      if (isTerminal(current.status)) {
        throw new AppError(ErrorCodes.terminal, `job ${id} is already ${current.status}`, { status: 409 });
      }
      const next = structuredClone(current);
      if (mutate(next) === false) return current;
      if (!canTransition(current.status, next.status)) throw new InvalidTransitionError(current.status, next.status);
      next.version = current.version + 1;
      next.updatedAt = new Date().toISOString();
      next.progress = Math.max(current.progress, overallProgress(next));
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: this.toItem(next),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': current.version },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException && attempt < MAX_UPDATE_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
          continue;
        }
        throw error;
      }
      await this.notify(next);
      return next;
    }
  }

  /** Every non-terminal job, across tenants, from the sparse active index. */
  async listActive(): Promise<Array<{ tenantId: string; id: string }>> {
    const out: Array<{ tenantId: string; id: string }> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: ACTIVE_INDEX,
          KeyConditionExpression: 'activePk = :a',
          ExpressionAttributeValues: { ':a': ACTIVE },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        out.push({ tenantId: String(item.pk).slice('TENANT#'.length), id: String(item.sk).slice('JOB#'.length) });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  /**
   * Claims an Idempotency-Key for a job about to be created. Returns null when the claim is new,
   * or the earlier claim (which may point at a job whose creation a crash interrupted).
   */
  async claimIdempotencyKey(
    tenantId: string,
    key: string,
    record: IdempotencyRecord,
  ): Promise<IdempotencyRecord | null> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: tenantPk(tenantId), sk: `IDEMPOTENCY#${key}`, ...record, createdAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return null;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: tenantPk(tenantId), sk: `IDEMPOTENCY#${key}` },
        ConsistentRead: true,
      }),
    );
    if (!Item) throw new AppError(ErrorCodes.conflict, 'idempotency record vanished', { retryable: true });
    return { jobId: String(Item.jobId), requestHash: String(Item.requestHash) };
  }

  private async notify(job: Job): Promise<void> {
    try {
      await this.notifier.publish({ tenantId: job.tenantId, id: job.id, version: job.version, status: job.status });
    } catch (error) {
      // The row is already written; watchers also poll on heartbeat, so a lost notice only delays them.
      this.logger.warn(`change notice for ${job.id} v${job.version} not published: ${String(error)}`);
    }
  }

  private toItem(job: Job): Record<string, unknown> {
    return {
      pk: tenantPk(job.tenantId),
      sk: jobSk(job.id),
      ...(isTerminal(job.status) ? {} : { activePk: ACTIVE }),
      version: job.version,
      job,
    };
  }

  private fromItem(item: Record<string, unknown>): Job {
    return item.job as Job;
  }
}

function encodeCursor(tenantId: string, sk: string): string {
  return Buffer.from(JSON.stringify({ t: tenantId, k: sk })).toString('base64url');
}

function decodeCursor(cursor: string, tenantId: string): Record<string, string> {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; k?: unknown };
    if (parsed.t === tenantId && typeof parsed.k === 'string' && parsed.k.startsWith('JOB#')) {
      return { pk: tenantPk(tenantId), sk: parsed.k };
    }
  } catch {
    // fall through: any undecodable cursor is the same client error
  }
  throw new AppError(ErrorCodes.validation, 'cursor is not valid for this tenant', { status: 400 });
}
