import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jobsTableDefinition } from './table.definition';

/** Local endpoints (dynalite) accept any credentials; real AWS uses the default provider chain. */
export function createDynamoClient(opts: { endpoint: string | null; region: string }): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: opts.region,
    ...(opts.endpoint
      ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: 3,
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Creates the jobs table when it does not exist yet (embedded stack and tests; deploy uses infra/). */
export async function ensureJobsTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    try {
      await client.send(new CreateTableCommand(jobsTableDefinition(tableName)));
    } catch (createError) {
      if ((createError as { name?: string }).name !== 'ResourceInUseException') throw createError;
    }
  }
}
