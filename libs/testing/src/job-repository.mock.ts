// Types only: this index is loaded outside jest too (the benchmark), where jest-mock-extended cannot load.
import type { MockProxy } from 'jest-mock-extended';
import {
  AppError,
  canTransition,
  Errors,
  InvalidTransitionError,
  isTerminal,
  type Job,
  type JobMutation,
} from '@app/domain';
import { type JobRepository } from '@app/persistence';

export interface JobRows {
  /** the rows as the table holds them now, by job id */
  rows: Map<string, Job>;
  /** every mutation `update` was handed, in order, whether or not it changed the row */
  mutations: JobMutation[];
}

/**
 * Puts rows behind a typed JobRepository mock (`mock<JobRepository>()`), for unit specs of code
 * that writes rows. `get`, `create` and `update` keep the contract callers rely on (JOB.NOT_FOUND
 * for a missing or foreign row, JOB.TERMINAL for a terminal one, a mutation returning false writes
 * nothing, the status machine checked, the version bumped), so a spec asserts the row a user would
 * see rather than the calls made. A spec can still override any of them with `mockImplementation`.
 */
export function withJobRows(jobs: MockProxy<JobRepository>, ...initial: Job[]): JobRows {
  const rows = new Map(initial.map((job) => [job.id, structuredClone(job)]));
  const mutations: JobMutation[] = [];
  const rowOf = (tenantId: string, id: string) => {
    const row = rows.get(id);
    return row && row.tenantId === tenantId ? row : null;
  };

  jobs.get.mockImplementation(async (tenantId, id) => structuredClone(rowOf(tenantId, id)));
  jobs.create.mockImplementation(async (job) => {
    if (rows.has(job.id)) throw new AppError(Errors.jobConflict, `job ${job.id} already exists`);
    rows.set(job.id, structuredClone(job));
  });
  jobs.update.mockImplementation(async (tenantId, id, mutate) => {
    mutations.push(mutate);
    const current = rowOf(tenantId, id);
    if (!current) throw new AppError(Errors.jobNotFound, `job ${id} not found`);
    if (isTerminal(current.status)) throw new AppError(Errors.jobTerminal, `job ${id} is already ${current.status}`);
    const next = structuredClone(current);
    if (mutate(next) === false) return structuredClone(current);
    if (!canTransition(current.status, next.status)) throw new InvalidTransitionError(current.status, next.status);
    next.version = current.version + 1;
    rows.set(id, next);
    return structuredClone(next);
  });
  return { rows, mutations };
}
