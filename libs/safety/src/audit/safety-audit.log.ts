import { Inject, Injectable } from '@nestjs/common';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DYNAMO_CLIENT } from '@app/persistence';

export interface SafetyAuditEntry {
  tenantId: string;
  /** who asked: the tenant and a fingerprint of the API key (or the worker for planned prompts) */
  actor: string;
  stage: string;
  verdict: { category: string | null; reason: string | null; source: string | null; promptHash: string };
}

export interface SafetyAuditRecord {
  at: string;
  actor: string;
  stage: string;
  category: string | null;
  reason: string | null;
  source: string | null;
  promptHash: string;
}

/** Blocked prompts, per tenant, in the job table: who, when, the prompt's hash and why. Never the prompt. */
@Injectable()
export class SafetyAuditLog {
  private readonly table: string;

  constructor(
    @Inject(DYNAMO_CLIENT) private readonly db: DynamoDBDocumentClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.table = config.dynamodb.table;
  }

  async record(entry: SafetyAuditEntry): Promise<void> {
    const at = new Date().toISOString();
    const record: SafetyAuditRecord = { at, actor: entry.actor, stage: entry.stage, ...entry.verdict };
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: `TENANT#${entry.tenantId}`, sk: `AUDIT#${at}#${entry.verdict.promptHash.slice(0, 12)}`, ...record },
      }),
    );
  }

  async list(tenantId: string, limit = 50): Promise<SafetyAuditRecord[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':audit': 'AUDIT#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map(({ at, actor, stage, category, reason, source, promptHash }) => ({
      at,
      actor,
      stage,
      category,
      reason,
      source,
      promptHash,
    })) as SafetyAuditRecord[];
  }
}
