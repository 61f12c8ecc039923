import { useState } from 'preact/hooks';
import { api, ApiError } from '../api-client';
import { money, seconds, spanLabel } from '../format';
import { CAMERA_MOVES, type Estimate, type Storyboard, type StoryboardScene, TRANSITIONS } from '../types';
import { Field } from './fields';

/** Moves scene `from` to `to`, renumbers, and keeps the rule that the first scene starts on a cut. */
export function moveScene(storyboard: Storyboard, from: number, to: number): Storyboard {
  const scenes = [...storyboard.scenes];
  const [moved] = scenes.splice(from, 1);
  scenes.splice(to, 0, moved);
  return {
    ...storyboard,
    scenes: scenes.map((scene, index) => ({ ...scene, index, ...(index === 0 ? { transitionIn: 'cut' } : {}) })),
  };
}

/** Where each scene starts and ends in ad time. */
function sceneSpans(storyboard: Storyboard): Array<{ startSec: number; endSec: number }> {
  let t = 0;
  return storyboard.scenes.map((scene) => {
    const span = { startSec: t, endSec: t + scene.durationSec };
    t = span.endSec;
    return span;
  });
}

/**
 * The scenes laid end to end over the ad's length, with the major statement's window over them
 * (issue 17): the held scenes under it stay still, silent but for the statement, and without text.
 * An SVG, so the widths need no inline style (the studio's CSP allows none).
 */
function Timeline(props: {
  storyboard: Storyboard;
  spans: Array<{ startSec: number; endSec: number }>;
  broken: (index: number) => boolean;
}) {
  const { storyboard, spans } = props;
  const statement = storyboard.compliance?.statement ?? null;
  const length = Math.max(storyboard.durationSec, spans.at(-1)?.endSec ?? 0, 1);
  return (
    <figure class="timeline">
      <svg
        class="timeline-bar"
        viewBox={`0 0 ${length} 10`}
        preserveAspectRatio="none"
        aria-hidden="true"
        focusable="false"
      >
        {spans.map((span, i) => (
          <rect
            key={i}
            class={`timeline-scene${i % 2 ? ' odd' : ''}${props.broken(i) ? ' broken' : ''}`}
            x={span.startSec}
            y={statement ? 3 : 0}
            width={Math.max(0, span.endSec - span.startSec - length * 0.003)}
            height={statement ? 7 : 10}
          />
        ))}
        {statement && (
          <rect
            class="timeline-statement"
            x={statement.startSec}
            y={0}
            width={statement.endSec - statement.startSec}
            height={10}
          />
        )}
      </svg>
      <figcaption>
        Timeline: {storyboard.scenes.length} scenes, {seconds(spans.at(-1)?.endSec ?? 0)}
        {statement && (
          <>
            {' · '}
            <strong class="statement-label">Major statement {spanLabel(statement)}</strong>: held, silent scenes under
            it; no cut, blend, on-screen text or narration inside it
          </>
        )}
      </figcaption>
    </figure>
  );
}

export function StoryboardEditor(props: {
  brief: Record<string, unknown>;
  storyboard: Storyboard;
  onChange: (storyboard: Storyboard) => void;
  onBriefChange: (brief: Record<string, unknown>) => void;
  problems: { scenes: Record<number, Record<string, string[]>>; general: string[] };
  estimate: Estimate | null;
}) {
  const { storyboard, estimate } = props;
  const [request, setRequest] = useState('');
  const [toolBusy, setToolBusy] = useState(false);
  const [toolMessage, setToolMessage] = useState<string | null>(null);
  const [variations, setVariations] = useState<
    Array<{ label: string; storyboard?: Storyboard; brief?: Record<string, unknown> }>
  >([]);

  const total = storyboard.scenes.reduce((sum, s) => sum + s.durationSec, 0);
  const spans = sceneSpans(storyboard);
  const statement = storyboard.compliance?.statement ?? null;
  const underStatement = (i: number) =>
    statement !== null && spans[i].endSec > statement.startSec + 1e-9 && spans[i].startSec < statement.endSec - 1e-9;
  const wanted = Number(props.brief.durationSec ?? storyboard.durationSec);
  const updateScene = (index: number, patch: Partial<StoryboardScene>) =>
    props.onChange({ ...storyboard, scenes: storyboard.scenes.map((s, i) => (i === index ? { ...s, ...patch } : s)) });

  // Keyboard users keep their place: focus follows the scene that moved.
  const move = (from: number, to: number, direction: 'up' | 'down') => {
    props.onChange(moveScene(storyboard, from, to));
    const last = storyboard.scenes.length - 1;
    const button =
      (to === 0 && direction === 'up') || (to === last && direction === 'down')
        ? direction === 'up'
          ? 'down'
          : 'up'
        : direction;
    requestAnimationFrame(() => document.getElementById(`scene-${to}-${button}`)?.focus());
  };

  const runTool = async (work: () => Promise<string>) => {
    setToolBusy(true);
    setToolMessage(null);
    try {
      setToolMessage(await work());
    } catch (e) {
      setToolMessage(
        e instanceof ApiError
          ? `${e.message}${e.problems.length ? `: ${e.problems.map((p) => `${p.field} ${p.reason}`).join('; ')}` : ''}`
          : String(e),
      );
    } finally {
      setToolBusy(false);
    }
  };

  const applyEdit = () =>
    runTool(async () => {
      const answer = await api.update(props.brief, storyboard, request);
      if (answer.brief) props.onBriefChange(answer.brief);
      if (answer.storyboard) props.onChange(answer.storyboard);
      setRequest('');
      return answer.changes.length ? `Changed: ${answer.changes.join('; ')}` : 'Nothing needed changing.';
    });

  const loadVariations = () =>
    runTool(async () => {
      const answer = await api.variations(props.brief, storyboard, 3);
      setVariations(answer.items);
      return `${answer.items.length} variations to choose from.`;
    });

  return (
    <section class="card storyboard" aria-labelledby="storyboard-heading">
      <div class="storyboard-head">
        <h2 id="storyboard-heading" tabIndex={-1}>
          Storyboard
        </h2>
        <dl class="totals" aria-live="polite">
          <div class={total === wanted ? '' : 'off'}>
            <dt>Length</dt>
            <dd>
              {seconds(total)} of {seconds(wanted)}
            </dd>
          </div>
          <div>
            <dt>Estimated cost</dt>
            <dd>{estimate ? money(estimate.costUsd) : '…'}</dd>
          </div>
          {estimate?.budgetUsd !== null && estimate?.budgetUsd !== undefined && (
            <div class={estimate.withinBudget ? '' : 'off'}>
              <dt>Budget</dt>
              <dd>
                {money(estimate.budgetUsd)} {estimate.withinBudget ? '' : '(over budget)'}
              </dd>
            </div>
          )}
        </dl>
      </div>
      <div class="grid">
        <Field id="sb-title" label="Title" wide>
          {(aria) => (
            <input
              {...aria}
              value={storyboard.title}
              onInput={(e) => props.onChange({ ...storyboard, title: e.currentTarget.value })}
            />
          )}
        </Field>
      </div>
      <Timeline
        storyboard={storyboard}
        spans={spans}
        broken={(i) => Object.values(props.problems.scenes[i] ?? {}).some((reasons) => reasons.length > 0)}
      />
      {props.problems.general.length > 0 && (
        <div class="rule-problems" role="status">
          <p>Before rendering, fix:</p>
          <ul>
            {props.problems.general.map((g) => (
              <li key={g}>{g}</li>
            ))}
          </ul>
        </div>
      )}

      <ol class="scenes">
        {storyboard.scenes.map((scene, i) => {
          const sp = props.problems.scenes[i] ?? {};
          const id = (f: string) => `scene-${i}-${f}`;
          return (
            <li key={i}>
              <fieldset class="scene-card">
                <legend>Scene {i + 1}</legend>
                <p class="beat">
                  {scene.beat.charAt(0).toUpperCase() + scene.beat.slice(1)} · {seconds(scene.durationSec)}
                  {estimate?.items.find((it) => it.part === 'scene' && it.index === i) &&
                    ` · ${money(estimate.items.find((it) => it.part === 'scene' && it.index === i)!.costUsd)}`}
                </p>
                {statement && underStatement(i) && (
                  <p class="statement-note">
                    {seconds(spans[i].startSec)}–{seconds(spans[i].endSec)}: plays during the major statement (
                    {spanLabel(statement)}). Keep the camera static, and on-screen text and narration empty.
                  </p>
                )}
                <div class="scene-grid">
                  <Field id={id('duration')} label="Duration (seconds)" problems={sp.durationSec}>
                    {(aria) => (
                      <input
                        {...aria}
                        type="number"
                        min={2}
                        max={12}
                        value={scene.durationSec}
                        onInput={(e) => {
                          const value = Number(e.currentTarget.value);
                          if (Number.isFinite(value) && e.currentTarget.value !== '')
                            updateScene(i, { durationSec: value });
                        }}
                      />
                    )}
                  </Field>
                  <Field
                    id={id('transition')}
                    label="Transition"
                    problems={[...(sp.transitionIn ?? []), ...(sp.transitionSec ?? [])]}
                  >
                    {(aria) => (
                      <select
                        {...aria}
                        value={scene.transitionIn}
                        onChange={(e) =>
                          updateScene(i, { transitionIn: e.currentTarget.value as StoryboardScene['transitionIn'] })
                        }
                      >
                        {TRANSITIONS.map((t) => (
                          <option key={t} value={t}>
                            {t}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field id={id('camera')} label="Camera" problems={sp.cameraMove}>
                    {(aria) => (
                      <select
                        {...aria}
                        value={scene.cameraMove}
                        onChange={(e) =>
                          updateScene(i, { cameraMove: e.currentTarget.value as StoryboardScene['cameraMove'] })
                        }
                      >
                        {CAMERA_MOVES.map((c) => (
                          <option key={c} value={c}>
                            {c}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field id={id('visual')} label="Visual prompt" problems={sp.visualPrompt} wide>
                    {(aria) => (
                      <textarea
                        {...aria}
                        rows={3}
                        value={scene.visualPrompt}
                        onInput={(e) => updateScene(i, { visualPrompt: e.currentTarget.value })}
                      />
                    )}
                  </Field>
                  <Field id={id('text')} label="On-screen text" problems={sp.onScreenText} wide>
                    {(aria) => (
                      <input
                        {...aria}
                        value={scene.onScreenText}
                        onInput={(e) => updateScene(i, { onScreenText: e.currentTarget.value })}
                      />
                    )}
                  </Field>
                  <Field id={id('narration')} label="Narration" problems={sp.narration} wide>
                    {(aria) => (
                      <textarea
                        {...aria}
                        rows={2}
                        value={scene.narration ?? ''}
                        onInput={(e) => updateScene(i, { narration: e.currentTarget.value || undefined })}
                      />
                    )}
                  </Field>
                </div>
                <div class="scene-actions">
                  <button
                    type="button"
                    id={id('up')}
                    aria-label={`Move up: scene ${i + 1}`}
                    disabled={i === 0}
                    onClick={() => move(i, i - 1, 'up')}
                  >
                    ↑ Move up
                  </button>
                  <button
                    type="button"
                    id={id('down')}
                    aria-label={`Move down: scene ${i + 1}`}
                    disabled={i === storyboard.scenes.length - 1}
                    onClick={() => move(i, i + 1, 'down')}
                  >
                    ↓ Move down
                  </button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>

      <div class="tools">
        <h3>Prompt tools</h3>
        <div class="tool-row">
          <div class="field grow">
            <label for="edit-request">Edit request</label>
            <input
              id="edit-request"
              value={request}
              placeholder="make scene 2 at night · make it vertical · swap scenes 2 and 3"
              onInput={(e) => setRequest(e.currentTarget.value)}
            />
          </div>
          <button type="button" onClick={() => void applyEdit()} disabled={toolBusy || request.trim().length < 2}>
            Apply edit
          </button>
          <button type="button" onClick={() => void loadVariations()} disabled={toolBusy}>
            Variations
          </button>
        </div>
        {toolMessage && (
          <p class="notice" role="status">
            {toolMessage}
          </p>
        )}
        {variations.length > 0 && (
          <ul class="variations">
            {variations.map((v, n) => (
              <li key={v.label}>
                <span>{v.label}</span>
                <button
                  type="button"
                  onClick={() => {
                    if (v.brief) props.onBriefChange(v.brief);
                    if (v.storyboard) props.onChange(v.storyboard);
                    setVariations([]);
                    setToolMessage(`Using variation ${n + 1}: ${v.label}`);
                  }}
                >
                  Use variation {n + 1}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
