import { type Brief } from './brief.schema';
import { isBlended } from './continuity';
import { complianceText, type MajorStatementPlan, STATEMENT_CAMERA } from './major-statement';
import { type Readability, readabilityOf } from './readability';
import { type Storyboard } from './storyboard.schema';

/** What was measured on the finished ad's stems and frames (see the media lib's StatementMeasurer). */
export interface StatementMeasurements {
  window: { startSec: number; endSec: number };
  lines: Array<{
    text: string;
    textStartSec: number;
    textEndSec: number;
    audioStartSec: number | null;
    audioEndSec: number | null;
  }>;
  statementWordsPerSec: number | null;
  otherWordsPerSec: number | null;
  duckingDb: number | null;
  statementLoudnessLufs: number | null;
  otherNarrationLoudnessLufs: number | null;
  formats: Array<{
    aspectRatio: string;
    width: number;
    height: number;
    contrastRatios: number[];
    minContrastRatio: number;
    capHeightPx: number;
    capHeightPct: number;
    insideTitleSafe: boolean;
    blocksAtOnce: number;
  }>;
}

export const MIN_CONTRAST_RATIO = 4.5;
export const MIN_CAP_HEIGHT_PCT = 3.5;
export const MIN_DUCKING_DB = 12;
export const MAX_LOUDNESS_DIFF_LU = 2;

export type StandardStatus = 'pass' | 'needs-review';
export type StandardId =
  'consumer-friendly-language' | 'audio-understandable' | 'dual-modality' | 'readable-text' | 'no-distraction';

export interface ComplianceStandard {
  id: StandardId;
  title: string;
  status: StandardStatus;
  /** Why it needs review, in plain words; empty on a pass. */
  findings: string[];
  values: Record<string, unknown>;
}

export interface ComplianceReport {
  regulation: string;
  statement: string;
  status: StandardStatus;
  standards: ComplianceStandard[];
}

/** What lies in the statement window of a storyboard: cuts, blends, other text, camera moves. */
export function statementWindowEvents(storyboard: Storyboard, window: { startSec: number; endSec: number }) {
  let start = 0;
  let cuts = 0;
  let blends = 0;
  let otherText = 0;
  const cameraMoves: string[] = [];
  for (const scene of storyboard.scenes) {
    const end = start + scene.durationSec;
    const inside = start > window.startSec + 1e-9 && start < window.endSec - 1e-9;
    const atEdge = Math.abs(start - window.startSec) < 1e-9 || Math.abs(start - window.endSec) < 1e-9;
    if (inside && scene.transitionIn === 'cut') cuts++;
    if ((inside || atEdge) && isBlended(scene.transitionIn)) blends++;
    if (end > window.startSec + 1e-9 && start < window.endSec - 1e-9) {
      if (scene.onScreenText.trim()) otherText++;
      cameraMoves.push(scene.cameraMove);
    }
    start = end;
  }
  if (storyboard.durationSec - storyboard.endCard.durationSec < window.endSec - 1e-9) otherText++;
  return { cuts, blends, otherText, cameraMoves };
}

const standard = (
  id: StandardId,
  title: string,
  findings: string[],
  values: Record<string, unknown>,
): ComplianceStandard => ({ id, title, status: findings.length ? 'needs-review' : 'pass', findings, values });

/**
 * The five standards of a clear, conspicuous and neutral major statement (21 CFR 202.1(e)(1)),
 * each with what was measured and pass / needs-review. Without a spoken statement (no voiceover,
 * or a storyboard without one) the audio and dual-modality standards need review.
 */
export function buildComplianceReport(input: {
  brief: Brief;
  storyboard: Storyboard;
  plan: MajorStatementPlan | null;
  measured: StatementMeasurements | null;
  captions: string;
  /** When the brief's text watermark was on screen; null or absent without one. */
  watermarkTextSpans?: ReadonlyArray<{ startSec: number; endSec: number }> | null;
}): ComplianceReport | null {
  const text = complianceText(input.brief);
  if (!text) return null;
  const readability: Readability = readabilityOf(text);
  const m = input.measured;
  const plan = input.plan;

  const language = standard(
    'consumer-friendly-language',
    'Consumer-friendly language',
    [
      ...(readability.fleschKincaidGrade > readability.targetGrade
        ? [`reading grade ${readability.fleschKincaidGrade} is above ${readability.targetGrade}`]
        : []),
      ...(readability.hardTerms.length ? [`terms to rephrase: ${readability.hardTerms.join(', ')}`] : []),
    ],
    { ...readability, verbatim: true },
  );

  const audioFindings: string[] = [];
  if (!m || !plan) audioFindings.push('the statement is not spoken');
  else {
    if (m.statementWordsPerSec === null) audioFindings.push('no speech was heard under the statement');
    if (
      m.statementWordsPerSec !== null &&
      m.otherWordsPerSec !== null &&
      m.statementWordsPerSec > m.otherWordsPerSec + 0.01
    ) {
      audioFindings.push(
        `spoken faster (${m.statementWordsPerSec} words/s) than the rest (${m.otherWordsPerSec} words/s)`,
      );
    }
    if (m.duckingDb !== null && m.duckingDb < MIN_DUCKING_DB) {
      audioFindings.push(`music ducked by ${m.duckingDb} dB, under ${MIN_DUCKING_DB} dB`);
    }
    if (m.statementLoudnessLufs !== null && m.otherNarrationLoudnessLufs !== null) {
      const diff = Math.abs(m.statementLoudnessLufs - m.otherNarrationLoudnessLufs);
      if (diff > MAX_LOUDNESS_DIFF_LU)
        audioFindings.push(`loudness differs from the other narration by ${diff.toFixed(1)} LU`);
    }
  }
  const loudnessDiffLu =
    m?.statementLoudnessLufs != null && m.otherNarrationLoudnessLufs != null
      ? Math.round((m.statementLoudnessLufs - m.otherNarrationLoudnessLufs) * 10) / 10
      : null;
  const audio = standard('audio-understandable', 'Audio at least as understandable', audioFindings, {
    statementWordsPerSec: m?.statementWordsPerSec ?? null,
    otherWordsPerSec: m?.otherWordsPerSec ?? null,
    duckingDb: m?.duckingDb ?? null,
    statementLoudnessLufs: m?.statementLoudnessLufs ?? null,
    otherNarrationLoudnessLufs: m?.otherNarrationLoudnessLufs ?? null,
    loudnessDiffLu,
  });

  const dualFindings: string[] = [];
  if (!m || !plan) dualFindings.push('the statement is shown but not spoken');
  else {
    m.lines.forEach((line, i) => {
      const label = `line ${i + 1} ("${line.text}")`;
      if (line.audioStartSec === null || line.audioEndSec === null) return dualFindings.push(`${label} is not heard`);
      if (line.textStartSec > line.audioStartSec + 0.05) dualFindings.push(`${label} shows after its audio starts`);
      if (line.audioEndSec > line.textEndSec - 0.04)
        dualFindings.push(`${label}: its audio is cut at the end of its text`);
      const before = m.lines[i - 1];
      if (before?.audioEndSec != null && line.textStartSec < before.audioEndSec - 1e-3) {
        dualFindings.push(`${label} shows before the line before it has been said`);
      }
    });
    const captioned = plan.lines.every((l) =>
      input.captions.replace(/\s+/g, ' ').includes(l.text.replace(/&/g, '&amp;')),
    );
    if (!captioned) dualFindings.push('the captions do not carry every line');
  }
  const dual = standard('dual-modality', 'Audio and text presented together', dualFindings, {
    lines: m?.lines ?? [],
    window: m?.window ?? null,
  });

  const textFindings: string[] = [];
  for (const f of m?.formats ?? []) {
    if (f.minContrastRatio < MIN_CONTRAST_RATIO)
      textFindings.push(`${f.aspectRatio}: contrast ${f.minContrastRatio}:1`);
    if (f.capHeightPct < MIN_CAP_HEIGHT_PCT) textFindings.push(`${f.aspectRatio}: cap height ${f.capHeightPct}%`);
    if (!f.insideTitleSafe) textFindings.push(`${f.aspectRatio}: outside the title-safe area`);
    if (f.blocksAtOnce > 1) textFindings.push(`${f.aspectRatio}: more than one block at a time`);
  }
  if (!m) textFindings.push('the statement text was not measured');
  const readable = standard('readable-text', 'Readable text', textFindings, {
    minContrastRatio: MIN_CONTRAST_RATIO,
    minCapHeightPct: MIN_CAP_HEIGHT_PCT,
    formats: m?.formats ?? [],
  });

  const events = plan ? statementWindowEvents(input.storyboard, plan) : null;
  // The brief's text watermark is other on-screen text too: the composer hides it inside the window.
  const marks = input.watermarkTextSpans?.length ? input.watermarkTextSpans : null;
  const watermarkTextInWindow =
    plan && marks ? marks.some((s) => s.endSec > plan.startSec + 1e-3 && s.startSec < plan.endSec - 1e-3) : null;
  const calmFindings: string[] = [];
  if (!events) calmFindings.push('no statement window was laid out');
  else {
    if (events.cuts) calmFindings.push(`${events.cuts} cut(s) inside the statement`);
    if (events.blends) calmFindings.push(`${events.blends} blend transition(s) at or inside the statement`);
    if (events.otherText) calmFindings.push(`${events.otherText} other text block(s) during the statement`);
    if (watermarkTextInWindow) calmFindings.push('the watermark text shows during the statement');
    const moving = events.cameraMoves.filter((c) => c !== STATEMENT_CAMERA);
    if (moving.length) calmFindings.push(`camera moves under the statement: ${moving.join(', ')}`);
  }
  const calm = standard('no-distraction', 'Nothing that distracts', calmFindings, {
    cutsInWindow: events?.cuts ?? null,
    blendsInWindow: events?.blends ?? null,
    otherTextInWindow: events?.otherText ?? null,
    watermarkTextInWindow,
    cameraMoves: events?.cameraMoves ?? [],
  });

  const standards = [language, audio, dual, readable, calm];
  return {
    regulation: '21 CFR 202.1(e)(1): major statement presented in a clear, conspicuous and neutral manner',
    statement: text,
    status: standards.every((s) => s.status === 'pass') ? 'pass' : 'needs-review',
    standards,
  };
}

const esc = (v: unknown) =>
  String(v).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

function valueCell(v: unknown): string {
  if (Array.isArray(v)) {
    if (v.length && typeof v[0] === 'object') {
      const keys = Object.keys(v[0] as object);
      return `<table><tr>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>${v
        .map(
          (row) =>
            `<tr>${keys.map((k) => `<td>${esc(JSON.stringify((row as Record<string, unknown>)[k]))}</td>`).join('')}</tr>`,
        )
        .join('')}</table>`;
    }
    return esc(v.join(', ') || '—');
  }
  if (v && typeof v === 'object') return esc(JSON.stringify(v));
  return esc(v ?? '—');
}

/** A one-page HTML of the report for medical-legal-regulatory reviewers (no scripts, no external assets). */
export function complianceReportHtml(report: ComplianceReport, jobId: string): string {
  const rows = report.standards
    .map(
      (s, i) => `<section><h2>${i + 1}. ${esc(s.title)} — <span class="${s.status}">${s.status}</span></h2>
${s.findings.length ? `<ul>${s.findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>` : ''}
<table>${Object.entries(s.values)
        .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${valueCell(v)}</td></tr>`)
        .join('')}</table></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Major statement compliance report — ${esc(jobId)}</title>
<style>body{font:13px/1.4 system-ui,sans-serif;max-width:60em;margin:1em auto;color:#111}table{border-collapse:collapse;margin:.3em 0}th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}h2{font-size:15px;margin:.8em 0 .2em}.pass{color:#1b5e20}.needs-review{color:#b71c1c}</style>
</head><body><h1>Major statement compliance report</h1>
<p>Job <code>${esc(jobId)}</code>. ${esc(report.regulation)}. Overall: <strong class="${report.status}">${report.status}</strong>.</p>
<blockquote>${esc(report.statement)}</blockquote>
${rows}
</body></html>
`;
}
