import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api-client';
import {
  type BriefForm,
  EMPTY_FORM,
  type FormField,
  fromBrief,
  type PlacedProblems,
  placeProblems,
  toBrief,
} from '../brief-form';
import { navigate } from '../router';
import { SAMPLES } from '../samples';
import { ASPECT_RATIOS, type Estimate, type Storyboard } from '../types';
import { Field } from './fields';
import { StoryboardEditor } from './storyboard-editor';

const NO_PROBLEMS: PlacedProblems = { fields: {}, scenes: {}, general: [] };
const MAX_LOGO_BYTES = 300 * 1024;

export function NewAdPage() {
  const [form, setForm] = useState<BriefForm>(EMPTY_FORM);
  const [sample, setSample] = useState('');
  const [storyboard, setStoryboard] = useState<Storyboard | null>(null);
  const [problems, setProblems] = useState<PlacedProblems>(NO_PROBLEMS);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<null | 'plan' | 'render' | 'enhance'>(null);
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [estimateProblems, setEstimateProblems] = useState<PlacedProblems>(NO_PROBLEMS);
  const summary = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.title = 'New ad · Reelsmith Studio';
  }, []);

  const set = <K extends FormField>(field: K, value: BriefForm[K]) => setForm((f) => ({ ...f, [field]: value }));
  const text = (field: FormField) => ({
    value: form[field] as string,
    onInput: (e: Event) => set(field, (e.currentTarget as HTMLInputElement).value),
  });

  // Running cost and rule check of the storyboard being edited, a moment after the last change.
  useEffect(() => {
    if (!storyboard) {
      setEstimate(null);
      setEstimateProblems(NO_PROBLEMS);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api
        .estimate(toBrief(form), storyboard)
        .then((answer) => {
          if (!live) return;
          setEstimate(answer);
          setEstimateProblems(placeProblems(answer.problems));
        })
        .catch((e: unknown) => {
          if (!live) return;
          setEstimate(null);
          setEstimateProblems(e instanceof ApiError ? placeProblems(e.problems) : NO_PROBLEMS);
        });
    }, 350);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [storyboard, form]);

  const fail = (e: unknown) => {
    if (e instanceof ApiError && e.problems.length) {
      setProblems(placeProblems(e.problems));
      setFailure(`Please fix ${e.problems.length === 1 ? 'the problem' : `the ${e.problems.length} problems`} below.`);
    } else {
      setProblems(NO_PROBLEMS);
      setFailure(e instanceof ApiError ? `${e.message} (${e.code})` : String(e));
    }
    requestAnimationFrame(() => summary.current?.focus());
  };

  const plan = async () => {
    setBusy('plan');
    setFailure(null);
    setNotice(null);
    try {
      const answer = await api.planStoryboard(toBrief(form));
      setStoryboard(answer.storyboard);
      setProblems(NO_PROBLEMS);
      setNotice(`Planned ${answer.storyboard.scenes.length} scenes. Review and edit them below, then render.`);
      requestAnimationFrame(() => document.getElementById('storyboard-heading')?.focus());
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const render = async (event: Event) => {
    event.preventDefault();
    setBusy('render');
    setFailure(null);
    try {
      const job = await api.submit(toBrief(form), storyboard);
      navigate(`/jobs/${job.id}`);
    } catch (e) {
      fail(e);
      setBusy(null);
    }
  };

  const enhance = async () => {
    setBusy('enhance');
    setFailure(null);
    try {
      const answer = await api.enhance(form.brief);
      setForm(fromBrief({ ...answer.brief }));
      setStoryboard(null);
      setNotice(answer.notes.length ? `Brief completed. ${answer.notes.join(' ')}` : 'Brief completed.');
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const loadSample = (name: string) => {
    setSample(name);
    const found = SAMPLES.find((s) => s.name === name);
    if (!found) return;
    setForm(fromBrief(found.brief));
    setStoryboard(null);
    setProblems(NO_PROBLEMS);
    setFailure(null);
    setNotice(`Loaded the sample “${name}”.`);
  };

  const onLogo = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    if (file.type !== 'image/png' || file.size > MAX_LOGO_BYTES) {
      setProblems((p) => ({ ...p, fields: { ...p.fields, logo: ['must be a PNG file under 300 KB'] } }));
      input.value = '';
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      setForm((f) => ({ ...f, logo: String(reader.result), logoName: file.name }));
      setProblems((p) => ({ ...p, fields: { ...p.fields, logo: undefined } }));
    };
    reader.readAsDataURL(file);
  };

  const p = problems.fields;
  const brief = toBrief(form);
  return (
    <form class="new-ad" onSubmit={(e) => void render(e)} noValidate>
      <div class="page-head">
        <h1 tabIndex={-1}>New ad</h1>
        <div class="field inline">
          <label for="sample">Sample</label>
          <select id="sample" value={sample} onChange={(e) => loadSample(e.currentTarget.value)}>
            <option value="">Choose a sample brief…</option>
            {SAMPLES.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      </div>

      <div ref={summary} tabIndex={-1} class="messages">
        {failure && (
          <div class="error-summary" role="alert">
            <p>{failure}</p>
            {problems.general.length > 0 && (
              <ul>
                {problems.general.map((g) => (
                  <li key={g}>{g}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {notice && !failure && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
      </div>

      <section class="card" aria-labelledby="brief-heading">
        <h2 id="brief-heading">The brief</h2>
        <div class="grid">
          <Field
            id="brief"
            label="Brief"
            wide
            problems={p.brief}
            hint="What the ad is about: the story, the feeling, the product moment."
          >
            {(aria) => <textarea {...aria} rows={4} {...text('brief')} />}
          </Field>
          <div class="field wide tool-row">
            <button type="button" onClick={() => void enhance()} disabled={busy !== null}>
              {busy === 'enhance' ? 'Completing…' : 'Enhance idea'}
            </button>
            <span class="hint">Turns a rough idea into a complete brief.</span>
          </div>
          <Field id="durationSec" label="Duration (seconds)" problems={p.durationSec} hint="6 to 120">
            {(aria) => <input {...aria} type="number" inputMode="numeric" min={6} max={120} {...text('durationSec')} />}
          </Field>
          <Field id="aspectRatio" label="Aspect ratio" problems={p.aspectRatio}>
            {(aria) => (
              <select {...aria} value={form.aspectRatio} onChange={(e) => set('aspectRatio', e.currentTarget.value)}>
                <option value="16:9">16:9 landscape</option>
                <option value="9:16">9:16 vertical</option>
                <option value="1:1">1:1 square</option>
              </select>
            )}
          </Field>
          <fieldset class="field checks" aria-describedby={p.extraRatios ? 'extra-problem' : undefined}>
            <legend>Also make</legend>
            {ASPECT_RATIOS.filter((r) => r !== form.aspectRatio).map((ratio) => (
              <label key={ratio} class="check">
                <input
                  type="checkbox"
                  checked={form.extraRatios.includes(ratio)}
                  onChange={(e) =>
                    set(
                      'extraRatios',
                      e.currentTarget.checked
                        ? [...form.extraRatios, ratio]
                        : form.extraRatios.filter((r) => r !== ratio),
                    )
                  }
                />
                {ratio}
              </label>
            ))}
            {p.extraRatios && (
              <p class="problem" id="extra-problem">
                {p.extraRatios.join('; ')}
              </p>
            )}
          </fieldset>
          <Field id="reframe" label="Other formats" problems={p.reframe}>
            {(aria) => (
              <select {...aria} value={form.reframe} onChange={(e) => set('reframe', e.currentTarget.value)}>
                <option value="blur">Whole frame over a blurred fill</option>
                <option value="crop">Centre crop</option>
              </select>
            )}
          </Field>
          <Field id="productName" label="Product name" problems={p.productName}>
            {(aria) => <input {...aria} {...text('productName')} />}
          </Field>
          <Field id="productDescription" label="Product description" problems={p.productDescription}>
            {(aria) => <input {...aria} {...text('productDescription')} />}
          </Field>
          <Field id="audience" label="Audience" problems={p.audience}>
            {(aria) => <input {...aria} {...text('audience')} />}
          </Field>
          <Field id="tone" label="Tone" problems={p.tone}>
            {(aria) => <input {...aria} {...text('tone')} />}
          </Field>
          <Field id="style" label="Style" problems={p.style}>
            {(aria) => <input {...aria} {...text('style')} />}
          </Field>
          <Field id="callToAction" label="Call to action" problems={p.callToAction}>
            {(aria) => <input {...aria} {...text('callToAction')} />}
          </Field>
        </div>
      </section>

      <section class="card" aria-labelledby="brand-heading">
        <h2 id="brand-heading">Brand</h2>
        <div class="grid">
          <Field id="brandName" label="Brand name" problems={p.brandName}>
            {(aria) => <input {...aria} {...text('brandName')} />}
          </Field>
          <Field
            id="brandColors"
            label="Brand colours"
            problems={p.brandColors}
            hint="Up to 6, as #RRGGBB, separated by commas"
          >
            {(aria) => <input {...aria} {...text('brandColors')} placeholder="#2E7D32, #F9FBE7" />}
          </Field>
          <Field id="brandFont" label="Brand font" problems={p.brandFont}>
            {(aria) => <input {...aria} {...text('brandFont')} />}
          </Field>
          <Field id="logo" label="Logo (PNG)" problems={p.logo} hint="Shown as a watermark; under 300 KB">
            {(aria) => (
              <div class="logo-row">
                <input {...aria} type="file" accept="image/png" onChange={(e) => onLogo(e.currentTarget)} />
                {form.logo && (
                  <>
                    <img class="logo-preview" src={form.logo} alt={`Logo ${form.logoName}`} />
                    <button type="button" onClick={() => setForm((f) => ({ ...f, logo: '', logoName: '' }))}>
                      Remove logo
                    </button>
                  </>
                )}
              </div>
            )}
          </Field>
          <Field id="watermarkText" label="Watermark text" problems={p.watermarkText}>
            {(aria) => <input {...aria} {...text('watermarkText')} />}
          </Field>
          <Field id="watermarkPosition" label="Watermark position" problems={p.watermarkPosition}>
            {(aria) => (
              <select
                {...aria}
                value={form.watermarkPosition}
                onChange={(e) => set('watermarkPosition', e.currentTarget.value)}
              >
                <option value="bottom-right">Bottom right</option>
                <option value="bottom-left">Bottom left</option>
                <option value="top-right">Top right</option>
                <option value="top-left">Top left</option>
              </select>
            )}
          </Field>
        </div>
      </section>

      <section class="card" aria-labelledby="compliance-heading">
        <h2 id="compliance-heading">Compliance</h2>
        <p class="hint">Shown on screen word for word (fair balance). Leave empty for ads that need none.</p>
        <div class="grid">
          <Field id="sideEffects" label="Side effects" problems={p.sideEffects} hint="One per line">
            {(aria) => <textarea {...aria} rows={3} {...text('sideEffects')} />}
          </Field>
          <Field id="dosage" label="Dosage" problems={p.dosage}>
            {(aria) => <textarea {...aria} rows={3} {...text('dosage')} />}
          </Field>
          <Field id="disclaimer" label="Disclaimer" problems={p.disclaimer} wide>
            {(aria) => <textarea {...aria} rows={2} {...text('disclaimer')} />}
          </Field>
        </div>
      </section>

      <section class="card" aria-labelledby="sound-heading">
        <h2 id="sound-heading">Sound and rendering</h2>
        <div class="grid">
          <div class="field checks">
            <label class="check">
              <input
                type="checkbox"
                checked={form.musicEnabled}
                onChange={(e) => set('musicEnabled', e.currentTarget.checked)}
              />
              Music
            </label>
            <label class="check">
              <input
                type="checkbox"
                checked={form.voiceover}
                onChange={(e) => set('voiceover', e.currentTarget.checked)}
              />
              Voiceover
            </label>
          </div>
          <Field id="musicMood" label="Music mood" problems={p.musicMood}>
            {(aria) => <input {...aria} {...text('musicMood')} placeholder="uplifting acoustic" />}
          </Field>
          <Field id="loudness" label="Loudness" problems={p.loudness}>
            {(aria) => (
              <select {...aria} value={form.loudness} onChange={(e) => set('loudness', e.currentTarget.value)}>
                <option value="streaming">Streaming and social (−14 LUFS)</option>
                <option value="broadcast">Broadcast (−23 LUFS)</option>
              </select>
            )}
          </Field>
          <Field id="quality" label="Quality" problems={p.quality}>
            {(aria) => (
              <select {...aria} value={form.quality} onChange={(e) => set('quality', e.currentTarget.value)}>
                <option value="preview">Preview (fast)</option>
                <option value="final">Final</option>
              </select>
            )}
          </Field>
          <Field
            id="videoProfile"
            label="Video profile"
            problems={p.videoProfile}
            hint="Leave empty for the default model"
          >
            {(aria) => <input {...aria} {...text('videoProfile')} placeholder="video_default" />}
          </Field>
          <Field id="budgetUsd" label="Budget (USD)" problems={p.budgetUsd} hint="The most generation may cost">
            {(aria) => <input {...aria} type="number" inputMode="decimal" min={0} step="0.01" {...text('budgetUsd')} />}
          </Field>
          <Field id="seed" label="Seed" problems={p.seed} hint="Same seed, same plan">
            {(aria) => <input {...aria} type="number" inputMode="numeric" min={0} {...text('seed')} />}
          </Field>
        </div>
      </section>

      {storyboard && (
        <StoryboardEditor
          brief={brief}
          storyboard={storyboard}
          onChange={(edited) => {
            setStoryboard(edited);
            // What a refused render said of the scenes was about the storyboard before this edit; the
            // running check (the estimate) speaks for the edited one.
            setProblems((p) => (Object.keys(p.scenes).length ? { ...p, scenes: {} } : p));
          }}
          onBriefChange={(b) => setForm(fromBrief(b))}
          problems={{
            scenes: { ...estimateProblems.scenes, ...problems.scenes },
            general: [...estimateProblems.general],
          }}
          estimate={estimate}
        />
      )}

      <div class="actions form-actions">
        <button type="button" onClick={() => void plan()} disabled={busy !== null}>
          {busy === 'plan' ? 'Planning…' : 'Plan storyboard'}
        </button>
        <button type="submit" class="primary" disabled={busy !== null}>
          {busy === 'render' ? 'Submitting…' : 'Render'}
        </button>
        <span class="hint">
          {storyboard
            ? 'Render makes the storyboard as you edited it.'
            : 'Plan first to review the scenes, or render straight away.'}
        </span>
      </div>
    </form>
  );
}
