import { type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one table: every tenant's jobs under `TENANT#<id>`, sorted by job id (time-ordered), so a
 * tenant's history is a single Query. Non-terminal jobs also carry `activePk`, a sparse index the
 * worker reads at boot to resume what a crash interrupted. Every job row carries `jobStatus`, the
 * key of the status index: operators list jobs across tenants by status, newest first (one Query
 * per status, never a Scan). Its items change only when a job changes status, not on every
 * progress write, since its keys are the status and the (immutable) job id.
 */
export const ACTIVE_INDEX = 'active';
export const STATUS_INDEX = 'status';

/** A tenant's partition key and a job's sort key (job ids sort by creation time). */
export const tenantPk = (tenantId: string) => `TENANT#${tenantId}`;
export const jobSk = (id: string) => `JOB#${id}`;
const TENANT_PREFIX = tenantPk('');
const JOB_PREFIX = jobSk('');

/** A job's tenant and id from an item's keys (a row, or an index entry that projects them). */
export function jobRefOf(item: Record<string, unknown>): { tenantId: string; id: string } {
  return { tenantId: String(item.pk).slice(TENANT_PREFIX.length), id: String(item.sk).slice(JOB_PREFIX.length) };
}

export function jobsTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'activePk', AttributeType: 'S' },
      { AttributeName: 'jobStatus', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: ACTIVE_INDEX,
        KeySchema: [
          { AttributeName: 'activePk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: STATUS_INDEX,
        KeySchema: [
          { AttributeName: 'jobStatus', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}
