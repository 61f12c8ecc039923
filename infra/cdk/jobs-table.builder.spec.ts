import { aws_dynamodb as dynamodb } from 'aws-cdk-lib';
import { jobsTableDefinition } from '@app/persistence';
import { tableShapeOf } from './jobs-table.builder';

describe(tableShapeOf.name, () => {
  it('maps the jobs table definition to CDK keys, billing and indexes', () => {
    const shape = tableShapeOf(jobsTableDefinition('t'));
    expect(shape.partitionKey).toEqual({ name: 'pk', type: dynamodb.AttributeType.STRING });
    expect(shape.sortKey).toEqual({ name: 'sk', type: dynamodb.AttributeType.STRING });
    expect(shape.billingMode).toBe(dynamodb.BillingMode.PAY_PER_REQUEST);
    expect(shape.globalSecondaryIndexes).toEqual([
      {
        indexName: 'active',
        partitionKey: { name: 'activePk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.KEYS_ONLY,
      },
      {
        indexName: 'status',
        partitionKey: { name: 'jobStatus', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.KEYS_ONLY,
      },
    ]);
  });

  it('refuses what it cannot map instead of deploying a different table', () => {
    const definition = jobsTableDefinition('t');
    expect(() => tableShapeOf({ ...definition, StreamSpecification: { StreamEnabled: true } })).toThrow(
      'the table definition has StreamSpecification, which the deployment does not map',
    );
    expect(() => tableShapeOf({ ...definition, BillingMode: 'PROVISIONED' })).toThrow(/billing mode PROVISIONED/);
    expect(() => tableShapeOf({ ...definition, AttributeDefinitions: [] })).toThrow(
      'attribute pk has no (known) type in AttributeDefinitions',
    );
  });
});
