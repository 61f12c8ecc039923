import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AppConfig, awsClientLogger, awsClientTimeouts } from '@app/config';
import { jobsTableDefinition } from './table.definition';

/**
 * Local endpoints (dynalite) accept any credentials; real AWS uses the default provider chain.
 * `timeouts` (the apps' DEPENDENCY_TIMEOUT_MS) bound a stalled endpoint.
 */
export function createDynamoClient(opts: {
  endpoint: string | null;
  region: string;
  timeouts?: AppConfig['dependencies'];
}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: opts.region,
    logger: awsClientLogger,
    ...(opts.endpoint
      ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: 3,
    ...(opts.timeouts ? awsClientTimeouts(opts.timeouts) : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * Creates the jobs table when it does not exist yet (embedded stack and tests; deploy uses infra/),
 * and adds an index of the definition that a table made by an older version lacks (DynamoDB builds
 * it in the background). Returns the indexes still missing: dynalite cannot add an index to a table.
 */
export async function ensureJobsTable(client: DynamoDBDocumentClient, tableName: string): Promise<string[]> {
  const definition = jobsTableDefinition(tableName);
  let existing: string[];
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    existing = (Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName!);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    try {
      await client.send(new CreateTableCommand(definition));
    } catch (createError) {
      if ((createError as { name?: string }).name !== 'ResourceInUseException') throw createError;
    }
    return [];
  }
  const missing = (definition.GlobalSecondaryIndexes ?? []).filter((i) => !existing.includes(i.IndexName!));
  for (const index of missing) {
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: definition.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    } catch {
      // dynalite, or one index already being built (DynamoDB adds one at a time): the caller says so
    }
  }
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const now = (Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName!);
  return missing.map((i) => i.IndexName!).filter((name) => !now.includes(name));
}
