import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { metrics } from '@app/observability';
import {
  AppError,
  canTransition,
  Errors,
  InvalidTransitionError,
  isTerminal,
  JOB_STATUSES,
  type Job,
  type JobStatus,
  overallProgress,
} from '@app/domain';
import { JobChangeNotifier } from './job-change.notifier';
import { PageCursors } from './page-cursor';
import { newJobId } from './job-id';
import { nextNewest, StatusIndexStream } from './status-index.stream';
import { ACTIVE_INDEX, jobRefOf, jobSk, tenantPk } from './table.definition';

export const DYNAMO_CLIENT = Symbol('DYNAMO_CLIENT');

const ACTIVE = 'ACTIVE';
const MAX_UPDATE_ATTEMPTS = 25;

export interface JobPage {
  items: Job[];
  nextCursor: string | null;
}

/** What operators list across tenants (GET /v1/admin/jobs). */
export interface JobSearch {
  /** any of these statuses; empty: every status */
  statuses: readonly JobStatus[];
  /** only jobs whose row has not changed for at least this long */
  olderThanSec?: number;
  /** only jobs created at most this long ago */
  createdWithinSec?: number;
  limit: number;
  cursor: string | null;
}

/**
 * Admin cursors are signed like a tenant's, bound to a name no tenant can have (tenant ids are
 * `[A-Za-z0-9_-]`), so neither kind of cursor is accepted by the other listing.
 */
const ADMIN_CURSOR_SCOPE = '*admin*';
/** BatchGetItem reads at most 100 keys at a time. */
const BATCH_GET_MAX = 100;

export interface IdempotencyRecord {
  jobId: string;
  requestHash: string;
}

/**
 * The job table. Every write is a conditional state transition: create only if absent, update
 * only if the version read is still current (a lost race re-reads and re-applies), and never
 * touch a terminal row. After each write a change notice is published for watchers.
 */
@Injectable()
export class JobRepository {
  private readonly logger = new Logger(JobRepository.name);
  private readonly table: string;
  private readonly cursors: PageCursors;

  constructor(
    @Inject(DYNAMO_CLIENT) private readonly db: DynamoDBDocumentClient,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly notifier: JobChangeNotifier,
  ) {
    this.table = config.dynamodb.table;
    this.cursors = new PageCursors(config.limits.cursorSecret);
  }

  async create(job: Job): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: this.toItem(job),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new AppError(Errors.jobConflict, `job ${job.id} already exists`, { cause: error });
      }
      throw error;
    }
    await this.notify(job);
  }

  async get(tenantId: string, id: string): Promise<Job | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: tenantPk(tenantId), sk: jobSk(id) }, ConsistentRead: true }),
    );
    return Item ? this.fromItem(Item) : null;
  }

  /**
   * Newest first. The cursor is opaque to clients and bound to the tenant that received it. With
   * `status`, only jobs in that state: still one Query on the tenant's partition (never a Scan), its
   * filter applied as it reads, reading on until the page is full or the partition ends.
   */
  async list(tenantId: string, limit: number, cursor: string | null, status?: JobStatus): Promise<JobPage> {
    let startKey: Record<string, unknown> | undefined = cursor
      ? { pk: tenantPk(tenantId), sk: jobSk(this.cursors.decode(tenantId, cursor)) }
      : undefined;
    const items: Job[] = [];
    for (;;) {
      const { Items = [], LastEvaluatedKey } = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :job)',
          ...(status
            ? {
                FilterExpression: '#job.#status = :status',
                ExpressionAttributeNames: { '#job': 'job', '#status': 'status' },
                ExpressionAttributeValues: { ':pk': tenantPk(tenantId), ':job': 'JOB#', ':status': status },
              }
            : { ExpressionAttributeValues: { ':pk': tenantPk(tenantId), ':job': 'JOB#' } }),
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...Items.map((item) => this.fromItem(item)));
      startKey = LastEvaluatedKey;
      if (!startKey || items.length >= limit) break;
    }
    return {
      items,
      nextCursor: startKey ? this.cursors.encode(tenantId, jobRefOf(startKey).id) : null,
    };
  }

  /**
   * Applies `mutate` to the current row and writes it if nobody wrote in between; on a lost race
   * it re-reads and re-applies. `mutate` may return false to say "nothing to change".
   * Throws JOB.TERMINAL for a terminal row, JOB.NOT_FOUND for a missing one.
   */
  async update(tenantId: string, id: string, mutate: (job: Job) => boolean | void): Promise<Job> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(tenantId, id);
      if (!current) throw new AppError(Errors.jobNotFound, `job ${id} not found`);
      if (isTerminal(current.status)) {
        throw new AppError(Errors.jobTerminal, `job ${id} is already ${current.status}`);
      }
      const next = structuredClone(current);
      if (mutate(next) === false) return current;
      if (!canTransition(current.status, next.status)) throw new InvalidTransitionError(current.status, next.status);
      next.version = current.version + 1;
      next.updatedAt = new Date().toISOString();
      next.progress = Math.max(current.progress, overallProgress(next));
      if (!(await this.putAtVersion(next, current.version, attempt))) continue;
      if (isTerminal(next.status)) recordOutcome(next);
      await this.notify(next);
      return next;
    }
  }

  /**
   * Writes `next` only if the row is still at `expected`. False when another write got there first
   * (after a short jittered pause, so the caller re-reads and re-applies); throws once out of attempts.
   */
  private async putAtVersion(next: Job, expected: number, attempt: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: this.toItem(next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expected },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && attempt < MAX_UPDATE_ATTEMPTS) {
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
        return false;
      }
      throw error;
    }
  }

  /**
   * The one write that reopens a finished row: a revision (`revisionStarted`) moves it back to
   * generating. Conditional on the version read, like every update; a mutation that declines
   * (the job is not revisable, or the revision number was taken) is JOB.NOT_REVISABLE, and a lost
   * race re-reads and re-applies, so two revisions of one job cannot both start.
   */
  async reopen(tenantId: string, id: string, mutate: (job: Job) => boolean | void): Promise<Job> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(tenantId, id);
      if (!current) throw new AppError(Errors.jobNotFound, `job ${id} not found`);
      const next = structuredClone(current);
      if (mutate(next) === false || isTerminal(next.status)) {
        throw new AppError(Errors.jobNotRevisable, `job ${id} is ${current.status}: it cannot be revised now`);
      }
      next.version = current.version + 1;
      next.updatedAt = new Date().toISOString();
      next.progress = overallProgress(next);
      if (!(await this.putAtVersion(next, current.version, attempt))) continue;
      await this.notify(next);
      return next;
    }
  }

  /**
   * Jobs across tenants, newest first: one Query per wanted status on the status index (its keys
   * are the status and the time-ordered job id), merged by job id, the rows read in batches. A job
   * created within `createdWithinSec` is a range of ids, so that bound is part of each Query; a row
   * unchanged for `olderThanSec` was also created at least that long ago, which bounds the range
   * from above, and its own `updatedAt` is checked once read. The cursor is the last job id
   * considered, signed like a tenant's history cursor.
   */
  async search(search: JobSearch, now = Date.now()): Promise<JobPage> {
    const statuses = search.statuses.length ? search.statuses : JOB_STATUSES;
    const after = search.cursor ? this.cursors.decode(ADMIN_CURSOR_SCOPE, search.cursor) : null;
    const low =
      search.createdWithinSec === undefined ? '' : newJobId(now - search.createdWithinSec * 1000).slice(0, 10);
    // an id's time is taken just before the row's createdAt; a minute of slack covers any gap
    const createdBy =
      search.olderThanSec === undefined ? null : newJobId(now - search.olderThanSec * 1000 + 60_000).slice(0, 10);
    const high = [after, createdBy].filter((b): b is string => b !== null).sort()[0] ?? null;
    const streams = statuses.map(
      (status) => new StatusIndexStream(this.db, this.table, status, low, high, search.limit),
    );
    const wanted = new Set<string>(statuses);
    const items: Job[] = [];
    const seen = new Set<string>();
    let last: string | null = null;
    while (items.length < search.limit) {
      const refs: Array<{ tenantId: string; id: string }> = [];
      while (refs.length < search.limit - items.length) {
        const ref = await nextNewest(streams);
        if (!ref) break;
        last = ref.id;
        if (ref.id === after || seen.has(`${ref.tenantId}/${ref.id}`)) continue;
        seen.add(`${ref.tenantId}/${ref.id}`);
        refs.push(ref);
      }
      if (!refs.length) break;
      for (const job of await this.getMany(refs)) {
        if (!wanted.has(job.status)) continue; // it moved on since the index was written
        if (search.olderThanSec !== undefined && now - Date.parse(job.updatedAt) < search.olderThanSec * 1000) continue;
        items.push(job);
      }
    }
    const more = (await Promise.all(streams.map((s) => s.peek()))).some((ref) => ref !== null);
    return { items, nextCursor: more && last ? this.cursors.encode(ADMIN_CURSOR_SCOPE, last) : null };
  }

  /** Rows by key, in the order asked, missing ones left out. */
  private async getMany(refs: Array<{ tenantId: string; id: string }>): Promise<Job[]> {
    const found = new Map<string, Job>();
    for (let i = 0; i < refs.length; i += BATCH_GET_MAX) {
      let keys: Array<Record<string, unknown>> = refs
        .slice(i, i + BATCH_GET_MAX)
        .map((r) => ({ pk: tenantPk(r.tenantId), sk: jobSk(r.id) }));
      for (let attempt = 0; keys.length; attempt++) {
        if (attempt) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        const { Responses, UnprocessedKeys } = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[this.table] ?? []) {
          const job = this.fromItem(item);
          found.set(`${job.tenantId}/${job.id}`, job);
        }
        keys = (UnprocessedKeys?.[this.table]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
      }
    }
    return refs.map((r) => found.get(`${r.tenantId}/${r.id}`)).filter((job): job is Job => job !== undefined);
  }

  /** Every non-terminal job, across tenants, from the sparse active index. */
  async listActive(): Promise<Array<{ tenantId: string; id: string }>> {
    const out: Array<{ tenantId: string; id: string }> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: ACTIVE_INDEX,
          KeyConditionExpression: 'activePk = :a',
          ExpressionAttributeValues: { ':a': ACTIVE },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        out.push(jobRefOf(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  /**
   * Claims an Idempotency-Key for a job about to be created. Returns null when the claim is new,
   * or the earlier claim (which may point at a job whose creation a crash interrupted).
   */
  async claimIdempotencyKey(
    tenantId: string,
    key: string,
    record: IdempotencyRecord,
  ): Promise<IdempotencyRecord | null> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: tenantPk(tenantId), sk: `IDEMPOTENCY#${key}`, ...record, createdAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return null;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: tenantPk(tenantId), sk: `IDEMPOTENCY#${key}` },
        ConsistentRead: true,
      }),
    );
    if (!Item) throw new AppError(Errors.jobConflict, 'idempotency record vanished');
    return { jobId: String(Item.jobId), requestHash: String(Item.requestHash) };
  }

  private async notify(job: Job): Promise<void> {
    try {
      await this.notifier.publish({ tenantId: job.tenantId, id: job.id, version: job.version, status: job.status });
    } catch (error) {
      // The row is already written; watchers also poll on heartbeat, so a lost notice only delays them.
      this.logger.warn(`change notice for ${job.id} v${job.version} not published: ${String(error)}`);
    }
  }

  private toItem(job: Job): Record<string, unknown> {
    return {
      pk: tenantPk(job.tenantId),
      sk: jobSk(job.id),
      ...(isTerminal(job.status) ? {} : { activePk: ACTIVE }),
      jobStatus: job.status,
      version: job.version,
      job,
    };
  }

  private fromItem(item: Record<string, unknown>): Job {
    return item.job as Job;
  }
}

/** A job's end, counted once by the write that made it terminal (only one write can). */
function recordOutcome(job: Job): void {
  metrics.jobOutcomes.inc({ status: job.status, code: job.error?.code ?? 'none' });
  if (job.status === 'completed') {
    const seconds = (Date.parse(job.updatedAt) - Date.parse(job.createdAt)) / 1000;
    if (Number.isFinite(seconds)) metrics.stageDuration.observe({ stage: 'end_to_end' }, seconds);
  }
}
