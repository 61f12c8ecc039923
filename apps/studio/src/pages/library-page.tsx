import { useEffect, useState } from 'preact/hooks';
import { api } from '../api-client';
import { dateTime, formatsOf, seconds, titleOf } from '../format';
import { JOB_STATUSES, type JobView } from '../types';

const PAGE = 12;

export function LibraryPage() {
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<JobView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'Library · Reelsmith Studio';
  }, []);

  const load = async (reset: boolean) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.jobs({ limit: PAGE, cursor: reset ? null : cursor, status: status || undefined });
      setItems((current) => (reset ? page.items : [...current, ...page.items]));
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load(true);
  }, [status]);

  return (
    <section class="library">
      <div class="page-head">
        <h1 tabIndex={-1}>Library</h1>
        <div class="field inline">
          <label for="status-filter">Status</label>
          <select id="status-filter" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">All statuses</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error && <p role="alert">{error}</p>}
      {!loading && !error && items.length === 0 && (
        <p class="empty">
          {status ? `No ads are ${status}.` : 'No ads yet.'} <a href="/new">Make a new ad</a>
        </p>
      )}
      <ul class="job-grid" aria-busy={loading}>
        {items.map((job) => {
          const poster = job.outputs.find((o) => o.type === 'poster');
          return (
            <li key={job.id} class="job-card">
              <div class="thumb">
                {poster ? (
                  <img src={poster.url} alt="" loading="lazy" />
                ) : (
                  <div class="thumb-empty" aria-hidden="true" />
                )}
              </div>
              <div class="job-card-body">
                <a class="job-link" href={`/jobs/${job.id}`}>
                  <span class="job-title">{titleOf(job.brief)}</span>
                  <span class="job-id">{job.id}</span>
                </a>
                <p class="meta">
                  <span class={`badge status-${job.status}`}>{job.status}</span> {seconds(job.brief.durationSec)} ·{' '}
                  {formatsOf(job)}
                </p>
                <p class="meta">{dateTime(job.createdAt)}</p>
              </div>
            </li>
          );
        })}
      </ul>
      {loading && <p role="status">Loading…</p>}
      {cursor && !loading && (
        <div class="actions">
          <button type="button" onClick={() => void load(false)}>
            Load more
          </button>
        </div>
      )}
    </section>
  );
}
