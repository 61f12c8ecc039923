import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, authHeaders, whenUnauthorizedNow } from '../api-client';
import { dateTime, explainError, formatsOf, money, seconds, titleOf } from '../format';
import { followStream, type StreamState } from '../sse/follow-stream';
import { type ComplianceReport, type JobOutput, type JobView, TERMINAL } from '../types';
import { RevisionEditor } from './revision-editor';

const isTerminal = (job: Pick<JobView, 'status'>) => TERMINAL.includes(job.status);

/** The job's view, live: one GET, then its event stream from that version on, resumed after drops and reloads. */
function useLiveJob(id: string, generation: number) {
  const [job, setJob] = useState<JobView | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [connection, setConnection] = useState<StreamState | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const apply = (next: JobView) => setJob((current) => (current && current.version > next.version ? current : next));
    void (async () => {
      let first: JobView;
      try {
        first = await api.job(id);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) setMissing(true);
        else setError(e instanceof Error ? e.message : String(e));
        return;
      }
      apply(first);
      if (isTerminal(first)) return;
      const end = await followStream({
        url: `/v1/jobs/${encodeURIComponent(id)}/events`,
        headers: () => authHeaders(),
        lastEventId: String(first.version),
        signal: controller.signal,
        onEvent: (event) => {
          if (event.event === 'job') apply(JSON.parse(event.data) as JobView);
        },
        onState: setConnection,
        isFinal: (event) => event.event === 'job' && isTerminal(JSON.parse(event.data) as JobView),
        onQuietEnd: async () => {
          const latest = await api.job(id);
          apply(latest);
          return isTerminal(latest);
        },
      });
      if (end.kind === 'refused' && end.status === 404) setMissing(true);
      if (end.kind === 'refused' && end.status === 401) whenUnauthorizedNow();
      setConnection(null);
    })();
    return () => controller.abort();
  }, [id, generation]);

  return { job, setJob, missing, error, connection };
}

export function JobPage(props: { id: string }) {
  // a new revision reopens the job: following it again from its new version
  const [generation, setGeneration] = useState(0);
  const { job, setJob, missing, error, connection } = useLiveJob(props.id, generation);
  const [cancelError, setCancelError] = useState<string | null>(null);

  useEffect(() => {
    document.title = job ? `${job.status} · ${titleOf(job.brief)} · Reelsmith Studio` : 'Ad · Reelsmith Studio';
  }, [job?.status]);

  if (missing) {
    return (
      <section class="card">
        <h1 tabIndex={-1}>Job not found</h1>
        <p>
          This job was not found in your workspace: <code>{props.id}</code>. It may belong to another account, or the
          link may be mistyped.
        </p>
        <p>
          <a href="/library">Open the library</a>
        </p>
      </section>
    );
  }
  if (error) {
    return (
      <section class="card">
        <h1 tabIndex={-1}>This ad could not be loaded</h1>
        <p role="alert">{error}</p>
      </section>
    );
  }
  if (!job) {
    return (
      <section>
        <h1 tabIndex={-1}>Loading…</h1>
      </section>
    );
  }

  const cancel = async () => {
    setCancelError(null);
    try {
      setJob(await api.cancel(job.id));
    } catch (e) {
      setCancelError(e instanceof Error ? e.message : String(e));
    }
  };
  const progress = Math.round(job.progress);
  return (
    <div class="job-page">
      <div class="page-head">
        <div>
          <h1 tabIndex={-1}>{titleOf(job.brief)}</h1>
          <p class="meta">
            {seconds(job.brief.durationSec)} · {formatsOf(job)} · started {dateTime(job.createdAt)} ·{' '}
            <code>{job.id}</code>
          </p>
        </div>
        {!isTerminal(job) && (
          <button type="button" class="danger" onClick={() => void cancel()}>
            Cancel
          </button>
        )}
      </div>
      {cancelError && <p role="alert">{cancelError}</p>}

      <section class="card" aria-labelledby="progress-heading">
        <h2 id="progress-heading">Progress</h2>
        <div
          class={`progress status-${job.status}`}
          role="progressbar"
          aria-label="Overall progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={progress}
          aria-valuetext={`${progress}%`}
        >
          <div class="bar" style={{ width: `${progress}%` }} />
        </div>
        <div class="status-line">
          <p role="status">
            Status: <strong class={`badge status-${job.status}`}>{job.status}</strong> · {progress}%
            {job.revision && job.revision.number > 0 ? ` · revision ${job.revision.number}` : ''}
          </p>
          {connection && (
            <span class="connection">
              {connection.kind === 'live'
                ? 'Live'
                : connection.kind === 'connecting'
                  ? 'Connecting…'
                  : `Connection lost, retrying in ${Math.round(connection.inMs / 1000)} s`}
            </span>
          )}
        </div>
        {job.error && (
          <div class="failure" role="alert">
            <h3>This ad could not be made</h3>
            <p>
              <code class="code">{job.error.code}</code> {explainError(job.error.code)}
            </p>
            <p class="detail">{job.error.message}</p>
          </div>
        )}
        {job.status === 'cancelled' && (
          <p class="notice">This job was cancelled. Nothing more will be made or spent.</p>
        )}
        <Stages job={job} />
      </section>

      {job.scenes.length > 0 && (
        <section class="card" aria-labelledby="scenes-heading">
          <h2 id="scenes-heading">Scenes</h2>
          <ul class="scene-tiles">
            {job.scenes.map((scene) => (
              <li key={scene.index}>
                <section class="scene-tile" role="group" aria-labelledby={`scene-title-${scene.index}`}>
                  <div class="thumb">
                    {scene.clipUrl ? (
                      <video
                        src={`${scene.clipUrl}#t=0.5`}
                        muted
                        playsInline
                        preload="metadata"
                        aria-label={`Clip of scene ${scene.index + 1}`}
                      />
                    ) : (
                      <div class="thumb-empty" aria-hidden="true" />
                    )}
                  </div>
                  <h3 id={`scene-title-${scene.index}`}>Scene {scene.index + 1}</h3>
                  <p>
                    <span class={`badge status-${scene.status}`}>{scene.status}</span> {seconds(scene.durationSec)}
                    {scene.status === 'running' ? ` · ${Math.round(scene.progress)}%` : ''}
                  </p>
                  {scene.seededFrom !== null && <p class="hint">continues from scene {scene.seededFrom + 1}</p>}
                </section>
              </li>
            ))}
          </ul>
        </section>
      )}

      {job.status === 'completed' && <Result job={job} />}
      {job.status === 'completed' && <RevisionEditor job={job} onStarted={() => setGeneration((n) => n + 1)} />}
    </div>
  );
}

function Stages({ job }: { job: JobView }) {
  const stage = (name: 'planning' | 'generating' | 'composing') => {
    const s = job.stages[name];
    if (!s) return 'waiting';
    return s.finishedAt ? 'done' : isTerminal(job) ? 'stopped' : 'in progress';
  };
  return (
    <ul class="stages">
      <li>
        <span>Planning</span> <strong>{stage('planning')}</strong>
      </li>
      {job.keyframes && (
        <li>
          <span>Keyframes</span>{' '}
          <strong>
            {job.keyframes.status} ({job.keyframes.done}/{job.keyframes.count})
          </strong>
        </li>
      )}
      <li>
        <span>Scenes</span>{' '}
        <strong>
          {job.scenes.length
            ? `${job.scenes.filter((s) => s.status === 'completed').length}/${job.scenes.length} made`
            : isTerminal(job)
              ? 'none made'
              : 'not planned yet'}
        </strong>
      </li>
      <li>
        <span>Music</span> <strong>{job.music.status}</strong>
      </li>
      <li>
        <span>Composing</span> <strong>{stage('composing')}</strong>
      </li>
    </ul>
  );
}

function Result({ job }: { job: JobView }) {
  const [zipState, setZipState] = useState<string | null>(null);
  const videos = job.outputs.filter((o) => o.type === 'video');
  const one = (type: JobOutput['type']) => job.outputs.find((o) => o.type === type);
  const poster = one('poster');
  const captions = one('captions');
  const preview = one('preview');

  const downloadAll = async (event: MouseEvent) => {
    event.preventDefault();
    setZipState('Preparing the ZIP…');
    try {
      const blob = await api.archive(job.id);
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = `reelsmith-${job.id}.zip`;
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setZipState('ZIP downloaded.');
    } catch (e) {
      setZipState(e instanceof Error ? `The ZIP could not be made: ${e.message}` : String(e));
    }
  };

  return (
    <section class="card result" aria-labelledby="result-heading">
      <h2 id="result-heading">Your ad</h2>
      <div class="players">
        {videos.map((video) => (
          <figure key={video.url} class={`player ratio-${(video.aspectRatio ?? '').replace(':', 'x')}`}>
            <video
              class="final"
              controls
              playsInline
              preload="metadata"
              crossOrigin="anonymous"
              poster={poster?.url}
              src={video.url}
              aria-label={`Final cut ${video.aspectRatio ?? ''}`}
            >
              {/* Off until the viewer turns them on: the on-screen text is already burned into the picture. */}
              {captions && <track kind="captions" src={captions.url} srcLang="en" label="English" />}
            </video>
            <figcaption>
              {video.aspectRatio} · {video.width}×{video.height}
              {video.durationSec !== null ? ` · ${seconds(video.durationSec)}` : ''} ·{' '}
              <a href={video.downloadUrl}>Download MP4 ({video.aspectRatio})</a>
            </figcaption>
          </figure>
        ))}
      </div>
      <h3>Downloads</h3>
      <ul class="downloads">
        {captions && (
          <li>
            <a href={captions.downloadUrl}>Download captions</a> <span class="hint">WebVTT</span>
          </li>
        )}
        {poster && (
          <li>
            <a href={poster.downloadUrl}>Download poster</a> <span class="hint">JPEG</span>
          </li>
        )}
        {preview && (
          <li>
            <a href={preview.downloadUrl}>Download preview</a> <span class="hint">animated WebP</span>
          </li>
        )}
        <li>
          <a href={`/v1/jobs/${job.id}/archive`} onClick={(e) => void downloadAll(e)}>
            Download all (ZIP)
          </a>{' '}
          <span class="hint" role="status">
            {zipState ?? `${job.outputs.length} files`}
          </span>
        </li>
      </ul>
      {preview && (
        <details class="preview">
          <summary>Animated preview</summary>
          <img src={preview.url} alt={`Animated preview of ${titleOf(job.brief)}`} width={preview.width} />
        </details>
      )}
      {job.compliance && <ComplianceSection job={job} report={job.compliance} />}
      <h3>Usage and cost</h3>
      {job.usage && job.usage.items.length > 0 ? (
        <table class="usage">
          <caption class="sr-only">What this ad used</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Seconds</th>
              <th scope="col">Calls</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {job.usage.items.map((item) => (
              <tr key={`${item.provider}/${item.model}`}>
                <td>
                  {item.model} <span class="hint">({item.provider})</span>
                </td>
                <td>{item.seconds.toFixed(1)}</td>
                <td>{item.calls}</td>
                <td>{money(item.costUsd)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                Total{job.usage.estimatedCostUsd !== null ? ` (estimated ${money(job.usage.estimatedCostUsd)})` : ''}
              </th>
              <td>{money(job.usage.costUsd)}</td>
            </tr>
          </tfoot>
        </table>
      ) : (
        <p class="usage-note">
          No paid generation was recorded for this ad ({money(job.usage?.costUsd ?? 0)}).
          {job.usage?.estimatedCostUsd
            ? ` Estimated at the registry's prices before rendering: ${money(job.usage.estimatedCostUsd)}.`
            : ''}
        </p>
      )}
    </section>
  );
}

/** The major statement's five standards, pass or needs review, with what to fix and the reviewers' report. */
function ComplianceSection({ job, report }: { job: JobView; report: ComplianceReport }) {
  const files = job.outputs.filter((o) => o.type === 'compliance-report');
  const html = files.find((o) => o.contentType === 'text/html');
  const json = files.find((o) => o.contentType === 'application/json');
  return (
    <section aria-labelledby="compliance-heading" class="compliance">
      <h3 id="compliance-heading">Compliance (major statement)</h3>
      <p>
        Overall: <strong class={report.status}>{report.status === 'pass' ? 'pass' : 'needs review'}</strong>
      </p>
      <table>
        <caption class="sr-only">The five standards of the major statement</caption>
        <thead>
          <tr>
            <th scope="col">Standard</th>
            <th scope="col">Result</th>
            <th scope="col">Findings</th>
          </tr>
        </thead>
        <tbody>
          {report.standards.map((s) => (
            <tr key={s.id}>
              <th scope="row">{s.title}</th>
              <td class={s.status}>{s.status === 'pass' ? 'pass' : 'needs review'}</td>
              <td>{s.findings.length ? s.findings.join('; ') : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul class="downloads">
        {html && (
          <li>
            <a href={html.downloadUrl}>Download compliance report</a> <span class="hint">HTML, one page</span>
          </li>
        )}
        {json && (
          <li>
            <a href={json.downloadUrl}>Download compliance data</a> <span class="hint">JSON</span>
          </li>
        )}
      </ul>
    </section>
  );
}
