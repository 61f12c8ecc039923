import {
  type Brief,
  LOUDNESS_TARGETS,
  type MajorStatementPlan,
  type Storyboard,
  type StoryboardScene,
} from '@app/domain';
import { type CompliancePlan, planCompliance } from './compliance-plan.builder';
import { type FinalCutRequest, type NarrationLine, type SoundtrackMix } from './final-cut.types';
import { DEFAULT_FONT_NAME } from './fonts';
import { type FrameSize } from './type-layout.util';
import { type CaptionCue } from './webvtt.builder';

export interface TimedText {
  startSec: number;
  endSec: number;
  text: string;
}

/** When each piece of type and speech is on, in ad time, shared by every output and the captions. */
export interface FinalCutTimeline {
  totalSec: number;
  /** Scene text as shown: blank entries dropped, each ending where the end card begins. */
  scenes: TimedText[];
  /** The end card, moved up when a compliance slate needs to start earlier. */
  endCard: { headline: string; callToAction: string; startSec: number } | null;
  /** One plan per output frame, all with the same mode and timing. */
  compliance: { text: string; plans: CompliancePlan[] } | null;
  /** The major statement, shown line by line in sync with its voice (then `compliance` is null). */
  statement?: MajorStatementPlan | null;
  narration: TimedText[];
  captions: CaptionCue[];
}

function planForAll(text: string, totalSec: number, endCardStartSec: number, specs: readonly FrameSize[]) {
  const plans = specs.map((spec) => planCompliance(text, totalSec, endCardStartSec, spec));
  // One mode everywhere: the captions and every format tell the same story.
  if (plans.every((p) => p.mode === 'slate')) return plans;
  return specs.map((spec) => planCompliance(text, totalSec, endCardStartSec, spec, { crawl: true }));
}

export function planFinalCutTimeline(
  req: Pick<FinalCutRequest, 'totalSec' | 'text' | 'audio'>,
  specs: readonly FrameSize[],
): FinalCutTimeline {
  const total = req.totalSec;
  const clampTime = (sec: number) => Math.min(total, Math.max(0, sec));
  const card = req.text.endCard;
  let endCard = card ? { ...card, startSec: clampTime(card.startSec) } : null;

  const complianceText = req.text.compliance?.text.trim() ?? '';
  const statement = req.text.compliance?.statement ?? null;
  let compliance: FinalCutTimeline['compliance'] = null;
  if (complianceText && !statement) {
    const plans = planForAll(complianceText, total, endCard?.startSec ?? total, specs);
    compliance = { text: complianceText, plans };
    if (endCard && plans[0].mode === 'slate') {
      endCard = { ...endCard, startSec: Math.min(endCard.startSec, plans[0].startSec) };
    }
  }

  const typeEnd = endCard?.startSec ?? total;
  const scenes = req.text.scenes
    .map((s) => ({ startSec: clampTime(s.startSec), endSec: Math.min(clampTime(s.endSec), typeEnd), text: s.text }))
    .filter((s) => s.text.trim() && s.endSec > s.startSec);
  const narration = req.audio.narration
    .map((n) => ({ startSec: clampTime(n.startSec), endSec: clampTime(n.endSec), text: n.text }))
    .filter((n) => n.text.trim() && n.endSec > n.startSec);

  const captions: CaptionCue[] = [...narration, ...scenes];
  if (endCard) {
    captions.push({
      startSec: endCard.startSec,
      endSec: total,
      text: [endCard.headline, endCard.callToAction].filter((t) => t.trim()).join('\n'),
    });
  }
  if (compliance) {
    const [plan] = compliance.plans;
    captions.push({ startSec: plan.startSec, endSec: plan.endSec, text: compliance.text });
  }
  // The statement's lines are narration lines too (role 'statement'), so their captions come from there.
  return { totalSec: total, scenes, endCard, compliance, statement, narration, captions };
}

/** When each scene starts in ad time: the sum of the scene lengths before it. */
export function sceneStartsSec(scenes: ReadonlyArray<Pick<StoryboardScene, 'durationSec'>>): number[] {
  const starts: number[] = [];
  let t = 0;
  for (const scene of scenes) {
    starts.push(t);
    t += scene.durationSec;
  }
  return starts;
}

/**
 * A storyboard's type for the final cut: each scene's on-screen text over its own span, the end
 * card closing the ad, the compliance text, and the brand's font (else DejaVu Sans) and colours.
 */
export function finalCutTextOf(
  storyboard: Pick<Storyboard, 'scenes' | 'durationSec' | 'endCard' | 'compliance'>,
  brand: Brief['brand'],
): FinalCutRequest['text'] {
  const starts = sceneStartsSec(storyboard.scenes);
  return {
    scenes: storyboard.scenes.map((s, i) => ({
      startSec: starts[i],
      endSec: starts[i] + s.durationSec,
      text: s.onScreenText,
    })),
    endCard: { ...storyboard.endCard, startSec: storyboard.durationSec - storyboard.endCard.durationSec },
    compliance: storyboard.compliance,
    fontName: brand?.font ?? DEFAULT_FONT_NAME,
    brandColors: brand?.colors ?? [],
  };
}

/** Where a scene's voiceover line starts after the scene does, so it does not clip the cut. */
const NARRATION_LEAD_SEC = 0.2;

/**
 * The voiceover lines of a storyboard in ad time (none when the brief turns the voiceover off):
 * each scene's narration from just after its start to its end, then the major statement's lines
 * (role 'statement', issue 17) while each is on screen. The soundtrack speaks them and
 * the final cut's captions show them, so both read this one list.
 */
export function narrationLinesOf(
  storyboard: Pick<Storyboard, 'scenes'> & { compliance?: Storyboard['compliance'] },
  voiceover: Pick<Brief['voiceover'], 'enabled'>,
): NarrationLine[] {
  if (!voiceover.enabled) return [];
  const starts = sceneStartsSec(storyboard.scenes);
  return [
    ...storyboard.scenes.flatMap((s, i) =>
      s.narration
        ? [{ text: s.narration, startSec: starts[i] + NARRATION_LEAD_SEC, endSec: starts[i] + s.durationSec }]
        : [],
    ),
    // Major statement (issue 17): the voice says each line while it is on screen.
    ...(storyboard.compliance?.statement?.lines ?? []).map((line) => ({ ...line, role: 'statement' as const })),
  ];
}

/**
 * What a job's soundtrack is made of, before the music is downloaded: the same for the soundtrack
 * step that makes it and for a revision deciding whether it must be made again.
 */
export function soundtrackMixOf(
  job: { brief: Pick<Brief, 'voiceover' | 'loudness'> },
  storyboard: Pick<Storyboard, 'scenes' | 'compliance'>,
): SoundtrackMix {
  const statement = storyboard.compliance?.statement ?? null;
  return {
    musicPath: null,
    narration: narrationLinesOf(storyboard, job.brief.voiceover),
    loudness: LOUDNESS_TARGETS[job.brief.loudness],
    // Major statement (issue 17): the music is held down under its window
    statement: statement ? { startSec: statement.startSec, endSec: statement.endSec } : null,
  };
}
