import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type JobStatus } from '@app/domain';
import { jobRefOf, jobSk, STATUS_INDEX } from './table.definition';

/** One status's partition of the status index, newest first, read a page at a time. */
export class StatusIndexStream {
  private buffer: Array<{ tenantId: string; id: string }> = [];
  private startKey: Record<string, unknown> | undefined;
  private done = false;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly status: JobStatus,
    /** id time prefix the ids are at least (inclusive); '' for none */
    private readonly low: string,
    /** the ids are at most this one (inclusive; the caller drops it); null for none */
    private readonly high: string | null,
    private readonly pageSize: number,
  ) {}

  async peek(): Promise<{ tenantId: string; id: string } | null> {
    while (!this.buffer.length && !this.done) await this.readPage();
    return this.buffer[0] ?? null;
  }

  take(): { tenantId: string; id: string } | undefined {
    return this.buffer.shift();
  }

  private async readPage(): Promise<void> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: STATUS_INDEX,
        KeyConditionExpression: 'jobStatus = :status AND sk BETWEEN :low AND :high',
        ExpressionAttributeValues: {
          ':status': this.status,
          ':low': jobSk(this.low),
          // '~' sorts after every id character
          ':high': jobSk(this.high ?? '~'),
        },
        ScanIndexForward: false,
        Limit: this.pageSize,
        ExclusiveStartKey: this.startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      this.buffer.push(jobRefOf(item));
    }
    this.startKey = page.LastEvaluatedKey;
    this.done = !this.startKey;
  }
}

/** The next ref of several newest-first streams: the greatest id at their heads. */
export async function nextNewest(streams: StatusIndexStream[]): Promise<{ tenantId: string; id: string } | null> {
  const heads = await Promise.all(streams.map((s) => s.peek()));
  let best = -1;
  heads.forEach((head, i) => {
    if (head && (best < 0 || head.id > heads[best]!.id)) best = i;
  });
  return best < 0 ? null : streams[best].take()!;
}
