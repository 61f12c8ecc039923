import { type Brief, MAX_DURATION_SEC, MIN_DURATION_SEC } from './brief.schema';
import { isBlended } from './continuity';
import { splitDuration } from './duration';
import { type Storyboard, type StoryboardScene, MAX_SCENE_SEC, MIN_SCENE_SEC } from './storyboard.schema';
import { syllableCount } from './readability';
import { type Problem } from './validation';

/**
 * The "major statement" of a prescription-drug ad (21 CFR 202.1(e)(1)): its side effects,
 * dosage and warnings, spoken by the voiceover and shown on screen at the same time, line by line.
 * Everything here is pure timing and layout; the words always stay the brief's, verbatim.
 */

/** The fair-balance text a brief's compliance block implies; every item appears verbatim. */
export function complianceText(brief: Brief): string | null {
  const c = brief.compliance;
  if (!c) return null;
  const parts: string[] = [];
  if (c.sideEffects?.length) parts.push(`Side effects may include ${c.sideEffects.join(', ')}.`);
  if (c.dosage) parts.push(c.dosage);
  if (c.disclaimer) parts.push(c.disclaimer);
  return parts.length ? parts.join(' ') : null;
}

/**
 * The speakable rate time is reserved at, in syllables a second (a calm announcer says about four);
 * each line also gets a lead-in, a pause per comma and a gap after it. Measured against flite's
 * voice at the statement tempo, this errs long by a few tenths of a second a line.
 */
export const STATEMENT_SYLLABLES_PER_SEC = 4;
const LINE_LEAD_SEC = 0.6;
const COMMA_PAUSE_SEC = 0.4;
/** Each digit is said as about one and a half syllables ('24' is 'twenty-four'). */
const SYLLABLES_PER_DIGIT = 1.5;
/** Silence after each line, so one line's text never gives way before its audio ended. */
export const STATEMENT_LINE_GAP_SEC = 0.3;
/** A line shorter than this is not on screen long enough to be read, whatever its length. */
export const STATEMENT_MIN_LINE_SEC = 1.5;
/** At most this many written words per line: one short block of large type at a time. */
export const STATEMENT_MAX_LINE_WORDS = 7;
/** The voice says the statement a little slower than the rest of the narration (never faster). */
export const STATEMENT_VOICE_TEMPO = 0.93;
/** The ad around the statement: at least an opening scene and the end card. */
export const STATEMENT_BODY_MIN_SEC = 2 * MIN_SCENE_SEC;
/** The only camera move allowed under the statement: a held shot. */
export const STATEMENT_CAMERA = 'static' as const;
/** The beat name of the held scene(s) laid out under the statement. */
export const STATEMENT_BEAT = 'major statement';

export interface StatementLine {
  text: string;
  startSec: number;
  endSec: number;
}

/** Where the statement sits in ad time and when each line is spoken and shown. */
export interface MajorStatementPlan {
  startSec: number;
  endSec: number;
  lines: StatementLine[];
}

/** Syllables as a voice says them, erring long: digits count one and a half each. */
export function statementSyllables(text: string): number {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .reduce((sum, token) => {
      const digits = (token.match(/\p{N}/gu) ?? []).length;
      const letters = token.replace(/[^\p{L}]/gu, '');
      return sum + digits * SYLLABLES_PER_DIGIT + (letters ? Math.max(1, syllableCount(letters)) : 0);
    }, 0);
}

/** Seconds a line needs: a lead-in, its syllables at the reserved rate, its comma pauses and a gap; never under the minimum. */
export function statementLineSec(text: string): number {
  const commas = (text.trim().slice(0, -1).match(/[,;:]/g) ?? []).length;
  const said = LINE_LEAD_SEC + statementSyllables(text) / STATEMENT_SYLLABLES_PER_SEC + commas * COMMA_PAUSE_SEC;
  return Math.max(STATEMENT_MIN_LINE_SEC, said + STATEMENT_LINE_GAP_SEC);
}

/**
 * The statement cut into lines, verbatim: sentences, then clauses at commas, then runs of at most
 * STATEMENT_MAX_LINE_WORDS words (split evenly). Joined with spaces, the lines give back the text.
 */
export function majorStatementLines(text: string): string[] {
  const words = (s: string) => s.split(/\s+/).filter(Boolean);
  const sentences = text
    .trim()
    .split(/(?<=[.!?])\s+/)
    .filter(Boolean);
  const lines: string[] = [];
  for (const sentence of sentences) {
    const clauses = sentence.split(/(?<=[,;:])\s+/).filter(Boolean);
    // Short neighbouring clauses share a line, so 'dry mouth,' is not a line of its own.
    const merged: string[] = [];
    for (const clause of clauses) {
      const last = merged.at(-1);
      if (last !== undefined && words(last).length + words(clause).length <= STATEMENT_MAX_LINE_WORDS) {
        merged[merged.length - 1] = `${last} ${clause}`;
      } else merged.push(clause);
    }
    for (const clause of merged) {
      const w = words(clause);
      const parts = Math.ceil(w.length / STATEMENT_MAX_LINE_WORDS);
      const size = Math.ceil(w.length / parts);
      for (let k = 0; k < w.length;) {
        let end = Math.min(w.length, k + size);
        // A number stays with the word after it ('10 mg'), when that still fits the line.
        if (end < w.length && /^\p{N}/u.test(w[end - 1]) && end - k < STATEMENT_MAX_LINE_WORDS) end++;
        lines.push(w.slice(k, end).join(' '));
        k = end;
      }
    }
  }
  return lines;
}

/** The statement a brief must speak and show, or null (no compliance, or no voiceover to speak it). */
export function majorStatementText(brief: Brief): string | null {
  if (!brief.voiceover.enabled) return null;
  return complianceText(brief);
}

/** Whole seconds the statement needs in the ad, or 0 when the brief has none. */
export function majorStatementSec(brief: Brief): number {
  const text = majorStatementText(brief);
  if (!text) return 0;
  const need = majorStatementLines(text).reduce((sum, line) => sum + statementLineSec(line), 0);
  return Math.ceil(need - 1e-9);
}

/** The shortest `durationSec` in which the statement can be spoken and shown with the ad around it. */
export function majorStatementMinDurationSec(brief: Brief): number | null {
  const sec = majorStatementSec(brief);
  return sec ? Math.max(MIN_DURATION_SEC, sec + STATEMENT_BODY_MIN_SEC) : null;
}

/**
 * Intake's check that the statement can be spoken and shown in the brief's length at a speakable
 * rate (a separate check from the on-screen reading-rate one): a problem naming the minimum
 * duration that would fit, or none.
 */
export function majorStatementFitProblems(brief: Brief): Problem[] {
  const min = majorStatementMinDurationSec(brief);
  if (min === null || brief.durationSec >= min) return [];
  if (min > MAX_DURATION_SEC) {
    return [
      {
        field: 'compliance',
        reason: `the major statement needs ${min}s to be spoken and shown at a speakable rate (${STATEMENT_SYLLABLES_PER_SEC} syllables a second), longer than the longest ad (${MAX_DURATION_SEC}s); shorten it`,
      },
    ];
  }
  return [
    {
      field: 'durationSec',
      reason: `is too short to speak and show the major statement (compliance) at a speakable rate (${STATEMENT_SYLLABLES_PER_SEC} syllables a second): the minimum duration is ${min}s`,
    },
  ];
}

/** Lines laid one after another from `startSec`; the slack of a whole-second window goes to the last line. */
export function planStatementLines(lines: readonly string[], startSec: number, endSec: number): StatementLine[] {
  const round = (s: number) => Math.round(s * 1000) / 1000;
  let t = startSec;
  return lines.map((text, i) => {
    const start = t;
    t = i === lines.length - 1 ? endSec : t + statementLineSec(text);
    return { text, startSec: round(start), endSec: round(t) };
  });
}

/**
 * Lays the statement into a storyboard whose scenes fill `durationSec - majorStatementSec(brief)`:
 * held scenes (static camera, no text, no narration, joined `continuous`, a cut in) go in before the
 * last scene, which carries the end card and is entered with a cut, so nothing cuts, blends or
 * shows other text while the statement plays. A brief without a statement gets the storyboard back.
 */
export function withMajorStatement(storyboard: Storyboard, brief: Brief): Storyboard {
  const text = majorStatementText(brief);
  const sec = majorStatementSec(brief);
  if (!text || !sec) return storyboard;
  const body = storyboard.scenes;
  const last = body[body.length - 1];
  const before = body.slice(0, -1);
  const source = before.find((s) => s.beat === 'product') ?? before.at(-1) ?? last;
  const parts = Math.ceil(sec / MAX_SCENE_SEC);
  const durations = splitDuration(sec, Array<number>(parts).fill(1), Math.min(MIN_SCENE_SEC, sec), MAX_SCENE_SEC);
  const held: StoryboardScene[] = durations.map((durationSec, k) => ({
    index: 0,
    beat: STATEMENT_BEAT,
    durationSec,
    visualPrompt: heldPrompt(source.visualPrompt),
    cameraMove: STATEMENT_CAMERA,
    onScreenText: '',
    transitionIn: k === 0 ? 'cut' : 'continuous',
    palette: [...source.palette],
  }));
  const endScene: StoryboardScene = { ...last, transitionIn: before.length || held.length ? 'cut' : last.transitionIn };
  delete endScene.transitionSec;
  const scenes = [...before, ...held, endScene].map((s, index) => ({ ...s, index }));
  const startSec = before.reduce((sum, s) => sum + s.durationSec, 0);
  const endSec = startSec + sec;
  return {
    ...storyboard,
    durationSec: storyboard.durationSec,
    scenes,
    compliance: {
      text: storyboard.compliance?.text ?? text,
      statement: { startSec, endSec, lines: planStatementLines(majorStatementLines(text), startSec, endSec) },
    },
  };
}

/**
 * The statement laid out again for an edited brief (a revision of the compliance text or the
 * voiceover). When the new statement fits the window the old one had, its lines are timed again in
 * that window and no scene changes, so the edit only recomposes. Otherwise the held scenes are laid
 * out again for the new length, the story's scenes giving up (or taking back) the seconds it needs,
 * longest first. Without a statement now, the compliance text stays as a slate.
 */
export function replanMajorStatement(storyboard: Storyboard, brief: Brief): Storyboard {
  const text = majorStatementText(brief);
  const plainText = complianceText(brief);
  const old = storyboard.compliance?.statement ?? null;
  const min = majorStatementMinDurationSec(brief);
  // no statement now, or one that cannot fit the ad: the text alone, which the rules then judge
  if (!text || min === null || min > storyboard.durationSec) {
    return { ...storyboard, compliance: plainText ? { text: plainText } : null };
  }
  const lines = majorStatementLines(text);
  const need = lines.reduce((sum, line) => sum + statementLineSec(line), 0);
  if (old && old.endSec - old.startSec + 1e-9 >= need) {
    const startSec = old.startSec;
    const endSec = old.endSec;
    return {
      ...storyboard,
      compliance: { text, statement: { startSec, endSec, lines: planStatementLines(lines, startSec, endSec) } },
    };
  }
  // the story without the old statement's held scenes, fitted to what the new one leaves
  const sec = majorStatementSec(brief);
  const story = storyboard.scenes.filter((s) => s.beat !== STATEMENT_BEAT).map((s) => ({ ...s }));
  let spare = storyboard.durationSec - sec - story.reduce((sum, s) => sum + s.durationSec, 0);
  // the last scene carries the end card: it keeps at least the card's length
  const shortest = (s: StoryboardScene) =>
    s === story.at(-1) ? Math.max(MIN_SCENE_SEC, Math.ceil(storyboard.endCard.durationSec)) : MIN_SCENE_SEC;
  while (spare !== 0) {
    const pick =
      spare < 0
        ? story.filter((s) => s.durationSec > shortest(s)).sort((a, b) => b.durationSec - a.durationSec)[0]
        : story.filter((s) => s.durationSec < MAX_SCENE_SEC).sort((a, b) => a.durationSec - b.durationSec)[0];
    if (!pick) break;
    pick.durationSec += spare < 0 ? -1 : 1;
    spare += spare < 0 ? 1 : -1;
  }
  if (spare !== 0) return { ...storyboard, compliance: { text } };
  return withMajorStatement({ ...storyboard, scenes: story, compliance: { text } }, brief);
}

/** The source scene's prompt with its camera held: a locked-off static camera (the planners' own wording). */
function heldPrompt(prompt: string): string {
  const held = 'Camera: locked-off static camera, held still, nothing moving fast.';
  const withHeld = /Camera: [^.]*\./.test(prompt) ? prompt.replace(/Camera: [^.]*\./, held) : `${prompt} ${held}`;
  return withHeld.slice(0, 1500);
}

/** The statement's rules a stored storyboard must obey (whoever wrote it), as problems. */
export function checkMajorStatement(storyboard: Storyboard, brief: Brief): Problem[] {
  const text = majorStatementText(brief);
  if (!text) return [];
  const problems: Problem[] = [];
  const add = (field: string, reason: string) => problems.push({ field, reason });
  const plan = storyboard.compliance?.statement;
  if (!plan) return [{ field: 'compliance.statement', reason: 'must lay out the major statement (spoken and shown)' }];
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  if (squash(plan.lines.map((l) => l.text).join(' ')) !== squash(text)) {
    add('compliance.statement.lines', "must say the brief's compliance text verbatim, in order");
  }
  if (plan.startSec < 0 || plan.endSec > storyboard.durationSec + 1e-9 || plan.endSec <= plan.startSec) {
    add('compliance.statement', 'must lie inside the ad');
  }
  let t = plan.startSec;
  plan.lines.forEach((line, i) => {
    if (Math.abs(line.startSec - t) > 1e-3)
      add(`compliance.statement.lines.${i}`, 'must start where the line before ended');
    if (line.endSec - line.startSec + 1e-3 < statementLineSec(line.text)) {
      add(
        `compliance.statement.lines.${i}`,
        `needs ${statementLineSec(line.text).toFixed(2)}s to be said at a speakable rate (${STATEMENT_SYLLABLES_PER_SEC} syllables a second)`,
      );
    }
    t = line.endSec;
  });
  if (plan.lines.length && Math.abs(t - plan.endSec) > 1e-3) add('compliance.statement', 'lines must fill the window');
  // Each reason names the window, so a person whose edit moved a scene into it sees why.
  const window = `the major statement (${statementWindowLabel(plan)})`;
  let start = 0;
  storyboard.scenes.forEach((scene, i) => {
    const end = start + scene.durationSec;
    const inside = start > plan.startSec + 1e-9 && start < plan.endSec - 1e-9;
    const atEdge = Math.abs(start - plan.startSec) < 1e-9 || Math.abs(start - plan.endSec) < 1e-9;
    if (inside && scene.transitionIn !== 'continuous') {
      add(
        `scenes.${i}.transitionIn`,
        `must be continuous: this scene starts at ${secondsLabel(start)}, inside ${window}, where nothing may cut or blend`,
      );
    }
    if (atEdge && isBlended(scene.transitionIn)) {
      add(`scenes.${i}.transitionIn`, `must not blend into or out of ${window}`);
    }
    if (end > plan.startSec + 1e-9 && start < plan.endSec - 1e-9) {
      const during = `this scene (${secondsLabel(start)}–${secondsLabel(end)}) plays during ${window}`;
      if (scene.onScreenText.trim()) add(`scenes.${i}.onScreenText`, `must be empty: ${during}`);
      if (scene.narration?.trim()) add(`scenes.${i}.narration`, `must be empty: ${during}, which the voice is saying`);
      if (scene.cameraMove !== STATEMENT_CAMERA) add(`scenes.${i}.cameraMove`, `must be static: ${during}`);
    }
    start = end;
  });
  if (storyboard.durationSec - storyboard.endCard.durationSec < plan.endSec - 1e-9) {
    add('endCard.durationSec', `the end card must start after ${window}`);
  }
  return problems;
}

/** `7.5 s` */
function secondsLabel(sec: number): string {
  return `${Math.round(sec * 10) / 10} s`;
}

/** `12–20.5 s`: where the statement plays, as the studio's timeline shows it. */
export function statementWindowLabel(window: { startSec: number; endSec: number }): string {
  return `${Math.round(window.startSec * 10) / 10}–${secondsLabel(window.endSec)}`;
}
