import { isBlended, MAX_SCENE_SEC, MAX_SCENES, MIN_SCENE_SEC, splitDuration, type TransitionIn } from '@app/domain';
import { AD_BEATS, BODY_BEATS, type AdBeat, type BodyBeat } from './ad-beat';
import { type BriefCues, type ShotCue } from './brief-cues.parser';
import { blendSecFor, chooseBeatTransitions } from './scene-transition.builder';
import { type TransitionStyle } from './tone.profile';

/** One scene-to-be: which beat it plays, how long, how it joins the scene before, and what the brief says of it. */
export interface SceneSlot {
  beat: AdBeat;
  /** Position inside its beat; parts after the first continue the same shot. */
  part: number;
  parts: number;
  durationSec: number;
  transitionIn: TransitionIn;
  /** Set for blended transitions only: within a third of this scene and the one before. */
  transitionSec?: number;
  cues: readonly ShotCue[];
}

/**
 * Video models hold a shot together for a few seconds and ads rarely hold one longer, so beats
 * longer than this are split into continuous parts well before the hard MAX_SCENE_SEC limit.
 */
const PREFERRED_SCENE_SEC = 6;
const BODY_WEIGHTS: Record<BodyBeat, number> = { hook: 0.16, problem: 0.24, product: 0.18, benefit: 0.26 };

/** The beats an ad of this length has room for, in ad order; the end card is always there. */
export function selectBeats(durationSec: number, cues: BriefCues): AdBeat[] {
  if (durationSec >= 20) return [...AD_BEATS];
  // A continuous shot needs at least two scenes, so in a short ad it takes the place of an optional beat.
  const continuousPart = !cues.wholeAdContinuous && cues.shots.some((s) => s.continuous && s.beat !== 'end-card');
  const room = (durationSec < 10 ? 0 : durationSec < 14 ? 1 : 2) - (continuousPart && durationSec >= 14 ? 1 : 0);
  const optional: BodyBeat[] = ['product', cues.shots.some((s) => s.beat === 'problem') ? 'problem' : 'benefit'];
  const chosen = new Set<AdBeat>(['hook', 'end-card', ...optional.slice(0, room)]);
  return AD_BEATS.filter((beat) => chosen.has(beat));
}

/**
 * Lays the beats out as scenes whose whole-second durations sum exactly to `durationSec`, each
 * within MIN_SCENE_SEC..MAX_SCENE_SEC, with transitions: `cut` into the first scene, `continuous`
 * inside a split beat, and the brief's own cut/dissolve/fade or the tone's transition between beats
 * (the seed may move a tone's accents between beat changes). Blends get a length that fits both scenes.
 */
export function buildBeatTimeline(
  durationSec: number,
  cues: BriefCues,
  style: TransitionStyle,
  seed: number,
): SceneSlot[] {
  const beats = selectBeats(durationSec, cues);
  const cuesByBeat = foldCues(cues.shots, beats);
  const body = beats.filter((beat): beat is BodyBeat => beat !== 'end-card');
  const continuous = (beat: AdBeat) => !cues.wholeAdContinuous && cuesByBeat[beat].some((c) => c.continuous);

  const endSec = durationSec < 20 ? 3 : durationSec < 45 ? 4 : 5;
  const weights = body.map((beat) => BODY_WEIGHTS[beat] * (continuous(beat) ? (durationSec < 20 ? 2 : 1.5) : 1));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const beatSec = weights.map((w) => (w / weightSum) * (durationSec - endSec));
  const preferredSec = Math.max(PREFERRED_SCENE_SEC, Math.ceil(durationSec / 15));
  const parts = body.map((beat, i) => Math.max(Math.ceil(beatSec[i] / preferredSec), continuous(beat) ? 2 : 1));
  const sceneCount = () => parts.reduce((a, b) => a + b, 0) + 1;
  while (sceneCount() > MAX_SCENES || sceneCount() * MIN_SCENE_SEC > durationSec) {
    const most = parts.indexOf(Math.max(...parts));
    if (parts[most] <= 1) break;
    parts[most] -= 1;
  }

  const plan: Array<{ beat: AdBeat; part: number; parts: number; weight: number }> = body.flatMap((beat, i) =>
    Array.from({ length: parts[i] }, (_, part) => ({ beat, part, parts: parts[i], weight: beatSec[i] / parts[i] })),
  );
  plan.push({ beat: 'end-card', part: 0, parts: 1, weight: endSec });
  const seconds = splitDuration(
    durationSec,
    plan.map((p) => p.weight),
    MIN_SCENE_SEC,
    MAX_SCENE_SEC,
  );

  // null marks a beat change the brief leaves to the tone.
  const joins = plan.map(({ beat, part }, i): TransitionIn | null => {
    if (i === 0) return 'cut';
    if (part > 0) return 'continuous';
    const asked = cuesByBeat[beat].find((c) => c.transition !== null)?.transition ?? null;
    return asked ?? (cues.wholeAdContinuous ? 'continuous' : null);
  });
  const free = joins.flatMap((join, i) => (join === null ? [i] : []));
  const chosen = chooseBeatTransitions(
    style,
    free.map((i) => ({ beat: plan[i].beat })),
    seed,
  );
  free.forEach((at, k) => (joins[at] = chosen[k]));

  return plan.map(({ beat, part, parts: count }, i) => {
    const transitionIn = joins[i] ?? style.beat;
    const slot: SceneSlot = { beat, part, parts: count, durationSec: seconds[i], transitionIn, cues: cuesByBeat[beat] };
    if (isBlended(transitionIn)) slot.transitionSec = blendSecFor(style, seconds[i - 1], seconds[i]);
    return slot;
  });
}

/** Cues for a beat the ad has no room for move to the nearest earlier beat that is there (else the next). */
function foldCues(shots: readonly ShotCue[], beats: readonly AdBeat[]): Record<AdBeat, ShotCue[]> {
  const folded: Record<AdBeat, ShotCue[]> = { hook: [], problem: [], product: [], benefit: [], 'end-card': [] };
  const present = BODY_BEATS.filter((beat) => beats.includes(beat));
  for (const shot of shots) {
    let target: AdBeat = shot.beat;
    if (!beats.includes(target)) {
      const at = BODY_BEATS.indexOf(target as BodyBeat);
      target = [...present].reverse().find((b) => BODY_BEATS.indexOf(b) < at) ?? present[0];
    }
    folded[target].push(shot);
  }
  return folded;
}
