import { Inject, Injectable } from '@nestjs/common';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DYNAMO_CLIENT } from './job.repository';

export interface TenantUsage {
  month: string;
  costUsd: number;
  seconds: number;
  calls: number;
  jobs: number;
}

/**
 * What each tenant used, per calendar month (UTC), in the job table. Counters are added
 * atomically (`ADD`), so workers recording at once never lose each other's usage.
 */
@Injectable()
export class TenantUsageRepository {
  private readonly table: string;

  constructor(
    @Inject(DYNAMO_CLIENT) private readonly db: DynamoDBDocumentClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.table = config.dynamodb.table;
  }

  async add(
    tenantId: string,
    usage: { costUsd: number; seconds: number; calls: number; jobs?: number },
    at = new Date(),
  ) {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `TENANT#${tenantId}`, sk: `USAGE#${monthOf(at)}` },
        UpdateExpression: 'ADD costUsd :c, seconds :s, calls :n, jobs :j',
        ExpressionAttributeValues: {
          ':c': usage.costUsd,
          ':s': usage.seconds,
          ':n': usage.calls,
          ':j': usage.jobs ?? 0,
        },
      }),
    );
    // The month's tenant set, so an operator reads every tenant's month without a Scan.
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `USAGE#${monthOf(at)}`, sk: 'TENANTS' },
        UpdateExpression: 'ADD tenants :t',
        ExpressionAttributeValues: { ':t': new Set([tenantId]) },
      }),
    );
  }

  /** Every tenant that used anything in `month`, with its usage. */
  async month(month = monthOf(new Date())): Promise<Array<TenantUsage & { tenantId: string }>> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: `USAGE#${month}`, sk: 'TENANTS' }, ConsistentRead: true }),
    );
    const tenants = [...((Item?.tenants as Set<string> | undefined) ?? [])].sort();
    return Promise.all(tenants.map(async (tenantId) => ({ tenantId, ...(await this.get(tenantId, month)) })));
  }

  async get(tenantId: string, month = monthOf(new Date())): Promise<TenantUsage> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `TENANT#${tenantId}`, sk: `USAGE#${month}` },
        ConsistentRead: true,
      }),
    );
    return {
      month,
      costUsd: Number(Item?.costUsd ?? 0),
      seconds: Number(Item?.seconds ?? 0),
      calls: Number(Item?.calls ?? 0),
      jobs: Number(Item?.jobs ?? 0),
    };
  }
}

export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}
