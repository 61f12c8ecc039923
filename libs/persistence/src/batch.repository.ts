import { Inject, Injectable } from '@nestjs/common';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AppError, type Batch, Errors } from '@app/domain';
import { DYNAMO_CLIENT } from './job.repository';

/**
 * Batches in the job table, beside the tenant's jobs (`BATCH#<id>` under `TENANT#<id>`): the list of
 * the batch's jobs only. Each item's state is its own job row, so a batch row is written once.
 */
@Injectable()
export class BatchRepository {
  private readonly table: string;

  constructor(
    @Inject(DYNAMO_CLIENT) private readonly db: DynamoDBDocumentClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.table = config.dynamodb.table;
  }

  async create(batch: Batch): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `TENANT#${batch.tenantId}`, sk: `BATCH#${batch.id}`, batch },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new AppError(Errors.jobConflict, `batch ${batch.id} already exists`, { cause: error });
      throw error;
    }
  }

  async get(tenantId: string, id: string): Promise<Batch | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `TENANT#${tenantId}`, sk: `BATCH#${id}` },
        ConsistentRead: true,
      }),
    );
    return Item ? (Item.batch as Batch) : null;
  }
}
