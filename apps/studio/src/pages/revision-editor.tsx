import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api-client';
import { money } from '../format';
import { revisionEditOf, type SceneFields } from '../revision-edit';
import { type JobView, type RevisionAnswer, type Storyboard } from '../types';

/**
 * Edit after render: each scene's prompt, text and narration, or "Regenerate scene". "Apply
 * changes" first asks what the revision would make again and cost; the person then confirms.
 */
export function RevisionEditor(props: { job: JobView; onStarted: () => void }) {
  const { job } = props;
  const [storyboard, setStoryboard] = useState<Storyboard | null>(null);
  const [fields, setFields] = useState<SceneFields[]>([]);
  const [quote, setQuote] = useState<RevisionAnswer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.revisions(job.id).then(
      (answer) => {
        setStoryboard(answer.storyboard);
        setFields(
          (answer.storyboard?.scenes ?? []).map((s) => ({
            visualPrompt: s.visualPrompt,
            onScreenText: s.onScreenText,
            narration: s.narration ?? '',
            regenerate: false,
          })),
        );
      },
      (e: unknown) => setProblem(e instanceof Error ? e.message : String(e)),
    );
  }, [job.id, job.version]);

  if (!storyboard) return problem ? <p role="alert">{problem}</p> : null;
  const edit = revisionEditOf(storyboard, fields);
  const set = (index: number, change: Partial<SceneFields>) => {
    setQuote(null);
    setFields((all) => all.map((f, i) => (i === index ? { ...f, ...change } : f)));
  };
  const explain = (e: unknown) =>
    setProblem(
      e instanceof ApiError
        ? [e.message, ...e.problems.map((p) => `${p.field}: ${p.reason}`)].join(' · ')
        : e instanceof Error
          ? e.message
          : String(e),
    );
  const apply = async () => {
    setProblem(null);
    setBusy(true);
    try {
      setQuote(await api.revise(job.id, edit, true));
    } catch (e) {
      explain(e);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    setBusy(true);
    try {
      await api.revise(job.id, edit);
      setQuote(null);
      props.onStarted();
    } catch (e) {
      explain(e);
    } finally {
      setBusy(false);
    }
  };
  const nothing = !edit.scenes && !edit.regenerate;

  return (
    <section class="card" aria-labelledby="edit-heading">
      <h2 id="edit-heading">Edit this ad</h2>
      <p class="hint">Only what you change is made again: text and narration changes cost nothing.</p>
      <ul class="scene-tiles edit-tiles">
        {storyboard.scenes.map((scene, index) => (
          <li key={scene.index}>
            <section class="scene-tile" role="group" aria-label={`Edit scene ${index + 1}`}>
              <h3>Scene {index + 1}</h3>
              <label>
                Visual prompt
                <textarea
                  rows={3}
                  value={fields[index]?.visualPrompt}
                  onInput={(e) => set(index, { visualPrompt: (e.target as HTMLTextAreaElement).value })}
                />
              </label>
              <label>
                On-screen text
                <input
                  value={fields[index]?.onScreenText}
                  onInput={(e) => set(index, { onScreenText: (e.target as HTMLInputElement).value })}
                />
              </label>
              <label>
                Narration
                <input
                  value={fields[index]?.narration}
                  onInput={(e) => set(index, { narration: (e.target as HTMLInputElement).value })}
                />
              </label>
              <button
                type="button"
                aria-pressed={fields[index]?.regenerate ?? false}
                onClick={() => set(index, { regenerate: !fields[index]?.regenerate })}
              >
                Regenerate scene {index + 1}
              </button>
            </section>
          </li>
        ))}
      </ul>
      <div class="actions">
        <button type="button" class="primary" disabled={busy || nothing} onClick={() => void apply()}>
          Apply changes
        </button>
      </div>
      {quote && (
        <div role="status" class="notice">
          <p>
            This revision makes{' '}
            {quote.regenerate.length
              ? `${quote.regenerate.length} scene(s) again`
              : 'no scene again (a new final cut only)'}
            , estimated cost <strong>{money(quote.estimatedCostUsd)}</strong>.
          </p>
          <button type="button" class="primary" disabled={busy} onClick={() => void confirm()}>
            Create revision
          </button>
        </div>
      )}
      {problem && <p role="alert">{problem}</p>}
    </section>
  );
}
