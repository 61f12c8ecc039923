import { type CreateTableCommandInput, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { aws_dynamodb as dynamodb } from 'aws-cdk-lib';

export interface TableShape {
  partitionKey: dynamodb.Attribute;
  sortKey?: dynamodb.Attribute;
  billingMode: dynamodb.BillingMode;
  globalSecondaryIndexes: dynamodb.GlobalSecondaryIndexProps[];
}

/**
 * The CDK form of the table definition the code creates at run time (`jobsTableDefinition`), so the
 * deployed table cannot drift from the one the tests and the embedded stack use. Anything in the
 * definition this mapping does not know is an error rather than a silently different table.
 */
export function tableShapeOf(definition: CreateTableCommandInput): TableShape {
  const known = new Set(['TableName', 'BillingMode', 'AttributeDefinitions', 'KeySchema', 'GlobalSecondaryIndexes']);
  const unknown = Object.keys(definition).filter((k) => !known.has(k));
  if (unknown.length)
    throw new Error(`the table definition has ${unknown.join(', ')}, which the deployment does not map`);
  if (definition.BillingMode !== 'PAY_PER_REQUEST')
    throw new Error(`billing mode ${String(definition.BillingMode)} is not mapped (only PAY_PER_REQUEST)`);

  const types = new Map((definition.AttributeDefinitions ?? []).map((a) => [a.AttributeName!, a.AttributeType!]));
  const attribute = (name: string): dynamodb.Attribute => {
    const type = types.get(name);
    const mapped = {
      S: dynamodb.AttributeType.STRING,
      N: dynamodb.AttributeType.NUMBER,
      B: dynamodb.AttributeType.BINARY,
    }[type as 'S' | 'N' | 'B'];
    if (!mapped) throw new Error(`attribute ${name} has no (known) type in AttributeDefinitions`);
    return { name, type: mapped };
  };
  const keys = (schema: KeySchemaElement[] | undefined) => {
    const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    if (!hash) throw new Error('a key schema without a HASH key');
    return { partitionKey: attribute(hash), ...(range ? { sortKey: attribute(range) } : {}) };
  };

  return {
    ...keys(definition.KeySchema),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    globalSecondaryIndexes: (definition.GlobalSecondaryIndexes ?? []).map((index) => {
      const projection = index.Projection?.ProjectionType ?? 'ALL';
      const projectionType = {
        ALL: dynamodb.ProjectionType.ALL,
        KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
        INCLUDE: dynamodb.ProjectionType.INCLUDE,
      }[projection];
      return {
        indexName: index.IndexName!,
        ...keys(index.KeySchema),
        projectionType,
        ...(projection === 'INCLUDE' ? { nonKeyAttributes: index.Projection?.NonKeyAttributes ?? [] } : {}),
      };
    }),
  };
}
