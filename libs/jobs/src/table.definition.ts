import { type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one table: every tenant's jobs under `TENANT#<id>`, sorted by job id (time-ordered), so a
 * tenant's history is a single Query. Non-terminal jobs also carry `activePk`, a sparse index the
 * worker reads at boot to resume what a crash interrupted.
 */
export const ACTIVE_INDEX = 'active';

export function jobsTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'activePk', AttributeType: 'S' },
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
    ],
  };
}
