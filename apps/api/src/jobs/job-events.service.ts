import { Inject, Injectable } from '@nestjs/common';
import {
  catchError,
  concatMap,
  distinctUntilChanged,
  filter,
  from,
  interval,
  map,
  merge,
  of,
  type Observable,
  scan,
  share,
  takeWhile,
} from 'rxjs';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { isTerminal, type Job } from '@app/domain';
import { JobChangeNotifier, JobRepository } from '@app/persistence';

export type JobStreamEvent = { kind: 'job'; job: Job } | { kind: 'heartbeat' };

/**
 * Live job views for SSE. Each job watched in this process has one shared stream: a change
 * notice (or, as a safety net for a lost notice, a heartbeat tick) causes one row read, whose
 * result goes to every watcher of that job. Watchers get snapshots with rising versions only and
 * the stream ends after the terminal one.
 */
@Injectable()
export class JobEventsService {
  private readonly shared = new Map<string, Observable<Job>>();

  constructor(
    private readonly jobs: JobRepository,
    private readonly notifier: JobChangeNotifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `job` has been read by the caller (and proved to exist for this tenant). */
  watch(job: Job, lastEventId: number | null): Observable<JobStreamEvent> {
    if (isTerminal(job.status) && lastEventId !== null && job.version <= lastEventId) return from([]);
    const snapshots = merge(from([job]), this.changesOf(job.tenantId, job.id)).pipe(
      // Snapshots may arrive out of order (the first read races the shared stream): only newer ones go out.
      scan<Job, { latest: Job | null; fresh: boolean }>(
        (acc, next) =>
          acc.latest && next.version <= acc.latest.version ? { ...acc, fresh: false } : { latest: next, fresh: true },
        { latest: null, fresh: false },
      ),
      filter((s) => s.fresh && (lastEventId === null || s.latest!.version > lastEventId)),
      map((s): JobStreamEvent => ({ kind: 'job', job: s.latest! })),
    );
    const heartbeats = interval(this.config.sseHeartbeatMs).pipe(map((): JobStreamEvent => ({ kind: 'heartbeat' })));
    return merge(snapshots, heartbeats).pipe(takeWhile((e) => e.kind !== 'job' || !isTerminal(e.job.status), true));
  }

  private changesOf(tenantId: string, id: string): Observable<Job> {
    const key = `${tenantId}/${id}`;
    let stream = this.shared.get(key);
    if (!stream) {
      let lastRead = 0;
      const ticks = merge(
        this.notifier.changes$.pipe(filter((n) => n.id === id && n.tenantId === tenantId)),
        interval(this.config.sseHeartbeatMs).pipe(map(() => null)),
      );
      stream = ticks.pipe(
        // A notice for a version this process has already read costs nothing.
        filter((notice) => notice === null || notice.version > lastRead),
        // A read that fails (the table slow past the dependency timeout) is skipped, not the end of
        // every watcher's stream: the next notice or tick reads again.
        concatMap(() => from(this.jobs.get(tenantId, id)).pipe(catchError(() => of(null)))),
        filter((j): j is Job => j !== null),
        distinctUntilChanged((a, b) => a.version === b.version),
        map((j) => {
          lastRead = Math.max(lastRead, j.version);
          return j;
        }),
        share({ resetOnRefCountZero: () => (this.shared.delete(key), from([true])) }),
      );
      this.shared.set(key, stream);
    }
    return stream;
  }
}
