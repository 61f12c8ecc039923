import { Inject, Injectable } from '@nestjs/common';
import { merge, type Observable, scan, map, takeWhile, filter } from 'rxjs';
import {
  AppError,
  type AssetType,
  ASSET_TYPES,
  type Batch,
  type BatchItem,
  type Brief,
  Errors,
  isTerminal,
  type Job,
  MAX_BATCH_ITEMS,
  type Problem,
} from '@app/domain';
import { BatchRepository, JobRepository, newJobId } from '@app/persistence';
import { PROMPT_TOOLKIT, type PromptToolkit } from '@app/planner';
import { ValidationError } from '../common/global-exception.filter';
import { AssetsService } from '../generate/assets.service';
import { BriefIntake } from '../jobs/brief-intake.service';
import { JobEventsService } from '../jobs/job-events.service';
import { JobsService } from '../jobs/jobs.service';

type Who = { tenantId: string; actor: string };

/** An item validated and ready to create: an ad's body, or an asset's prepared request. */
type Planned =
  | { kind: 'ad'; label: string; body: unknown }
  | { kind: 'asset'; label: string; id: string; request: Awaited<ReturnType<AssetsService['prepare']>> };

export interface BatchState {
  batch: Batch;
  jobs: Job[];
}

const BATCH_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Batches of up to 50 ads or single assets: every item is validated and screened before any is
 * created (one 400 lists every problem, `items.<n>.` first), then each becomes an ordinary job that
 * the workers take in parallel. The batch row only lists the jobs; status, events, archive and
 * cancel are the items' own.
 */
@Injectable()
export class BatchesService {
  constructor(
    private readonly batches: BatchRepository,
    private readonly jobs: JobRepository,
    private readonly jobsService: JobsService,
    private readonly assets: AssetsService,
    private readonly intake: BriefIntake,
    private readonly events: JobEventsService,
    @Inject(PROMPT_TOOLKIT) private readonly toolkit: PromptToolkit,
  ) {}

  async submit(who: Who, body: unknown): Promise<BatchState> {
    const planned = await this.plan(who, await this.itemsOf(body));
    const id = newJobId();
    const created: Job[] = [];
    const items: BatchItem[] = [];
    for (const [index, item] of planned.entries()) {
      const job =
        item.kind === 'ad'
          ? await this.jobsService.submit(who, item.body, undefined)
          : await this.assets.create(who.tenantId, item.id, { ...item.request, batchId: id });
      created.push(job);
      items.push({ index, kind: item.kind, jobId: job.id, label: item.label });
    }
    const batch: Batch = { tenantId: who.tenantId, id, createdAt: new Date().toISOString(), items };
    await this.batches.create(batch);
    return { batch, jobs: created };
  }

  /** The raw items: a list, or one brief and `variations: n` made with the prompt tools. */
  private async itemsOf(body: unknown): Promise<{ label: string; raw: unknown }[]> {
    const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const problems: Problem[] = [];
    if (b.variations !== undefined) {
      const n = b.variations;
      if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > MAX_BATCH_ITEMS)
        problems.push({ field: 'variations', reason: `must be a whole number from 1 to ${MAX_BATCH_ITEMS}` });
      if (!b.brief || typeof b.brief !== 'object')
        problems.push({ field: 'brief', reason: 'is required with variations (a brief object)' });
      if (b.items !== undefined) problems.push({ field: 'items', reason: 'cannot be sent with variations' });
      if (problems.length) throw new ValidationError(problems);
      return this.variations(b.brief, n as number);
    }
    if (!Array.isArray(b.items) || !b.items.length || b.items.length > MAX_BATCH_ITEMS)
      throw new ValidationError([
        {
          field: 'items',
          reason: `must list 1 to ${MAX_BATCH_ITEMS} briefs or generation requests (or send brief and variations)`,
        },
      ]);
    return b.items.map((raw, i) => ({ label: labelOf(raw, i), raw }));
  }

  /** The brief itself, then the prompt tools' variations of it, then new seeds of it until there are `n`. */
  private async variations(rawBrief: unknown, n: number): Promise<{ label: string; raw: unknown }[]> {
    let brief: Brief;
    try {
      brief = this.intake.parse(rawBrief, { allowStoryboard: false }).brief;
    } catch (error) {
      if (error instanceof ValidationError)
        throw new ValidationError(error.problems.map((p) => ({ ...p, field: `brief.${p.field}` })));
      throw error;
    }
    const out: { label: string; raw: unknown }[] = [{ label: 'as written', raw: brief }];
    if (n > 1) {
      const { items } = await this.toolkit
        .variations({ kind: 'brief', brief }, Math.min(n - 1, 5))
        .catch(() => ({ items: [] }));
      for (const v of items) if (v.brief && out.length < n) out.push({ label: v.label, raw: v.brief });
    }
    for (let k = 1; out.length < n; k++)
      out.push({ label: `seed ${brief.seed + k * 101}`, raw: { ...brief, seed: (brief.seed + k * 101) % 2 ** 31 } });
    return out;
  }

  /** Every item validated and screened (inputs of assets stored); nothing is created unless all pass. */
  private async plan(who: Who, raws: { label: string; raw: unknown }[]): Promise<Planned[]> {
    const problems: Problem[] = [];
    const planned: Planned[] = [];
    let blocked: unknown = null;
    for (const [i, { label, raw }] of raws.entries()) {
      try {
        const type = (raw as { type?: unknown } | null)?.type;
        if (typeof type === 'string' && (ASSET_TYPES as readonly string[]).includes(type)) {
          const { type: _type, ...request } = raw as Record<string, unknown>;
          const id = newJobId();
          planned.push({
            kind: 'asset',
            label,
            id,
            request: await this.assets.prepare(who, type as AssetType, request, id),
          });
        } else {
          const intake = this.intake.parse(raw, { allowStoryboard: true });
          await this.intake.screen(intake, { ...who, stage: 'batch' });
          planned.push({ kind: 'ad', label, body: raw });
        }
      } catch (error) {
        if (error instanceof ValidationError)
          problems.push(...error.problems.map((p) => ({ ...p, field: `items.${i}.${p.field}` })));
        else if (error instanceof AppError && error.status === 400)
          problems.push({ field: `items.${i}`, reason: `${error.code}: ${error.message}` });
        else blocked ??= error;
      }
    }
    if (problems.length) throw new ValidationError(problems);
    if (blocked) throw blocked;
    return planned;
  }

  async get(tenantId: string, id: string): Promise<BatchState> {
    const batch = BATCH_ID.test(id) ? await this.batches.get(tenantId, id) : null;
    if (!batch) throw new AppError(Errors.batchNotFound, `batch ${id} not found`);
    const jobs = await Promise.all(batch.items.map((item) => this.jobs.get(tenantId, item.jobId)));
    return { batch, jobs: jobs.filter((j): j is Job => j !== null) };
  }

  /** Cancels every live item; items already finished stay as they are. */
  async cancel(tenantId: string, id: string): Promise<BatchState> {
    const { batch, jobs } = await this.get(tenantId, id);
    for (const job of jobs.filter((j) => !isTerminal(j.status))) {
      await this.jobsService.cancel(tenantId, job.id).catch((error: unknown) => {
        if (!AppError.is(error, Errors.jobTerminal)) throw error;
      });
    }
    return this.get(tenantId, batch.id);
  }

  /** The batch's state after every change of any item, ending once every item is terminal. */
  watch(state: BatchState): Observable<BatchState> {
    const streams = state.jobs.map((job) => this.events.watch(job, null));
    const initial = new Map(state.jobs.map((j) => [j.id, j]));
    return merge(...streams).pipe(
      filter((e) => e.kind === 'job'),
      scan((latest, e) => (e.kind === 'job' ? new Map(latest).set(e.job.id, e.job) : latest), initial),
      map((latest) => ({
        batch: state.batch,
        jobs: state.batch.items.map((i) => latest.get(i.jobId)!).filter(Boolean),
      })),
      takeWhile((s) => !s.jobs.every((j) => isTerminal(j.status)), true),
    );
  }
}

function labelOf(raw: unknown, i: number): string {
  const type = (raw as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? `${type} ${i + 1}` : `ad ${i + 1}`;
}
