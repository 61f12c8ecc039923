import { type Brief } from './brief.schema';
import { clipDurationSec } from './continuity';
import { replanMajorStatement } from './major-statement';
import { type JobSchedule } from './schedule';
import { type Storyboard, type StoryboardScene } from './storyboard.schema';

/**
 * Revisions: a finished job edited and made again, paying only for what the edit changed.
 * Everything here is pure: which scenes an edit makes again, and the edit applied to a storyboard.
 */

/** The scene fields a revision may patch. */
export const REVISABLE_SCENE_FIELDS = [
  'visualPrompt',
  'onScreenText',
  'narration',
  'durationSec',
  'transitionIn',
  'transitionSec',
  'cameraMove',
  'seed',
] as const;
export type RevisableSceneField = (typeof REVISABLE_SCENE_FIELDS)[number];

/** The brief fields a revision may change: none of them changes the ad's length or its scenes' pictures. */
export const REVISABLE_BRIEF_FIELDS = [
  'callToAction',
  'compliance',
  'brand',
  'music',
  'voiceover',
  'watermark',
  'loudness',
  'aspectRatios',
] as const;
export type RevisableBriefField = (typeof REVISABLE_BRIEF_FIELDS)[number];

/** The seed a scene's clip is generated with: its own when a revision set one ("regenerate"), else the brief's plus its index. */
export function sceneSeed(scene: Pick<StoryboardScene, 'index' | 'seed'>, briefSeed: number): number {
  return scene.seed ?? briefSeed + scene.index;
}

/**
 * Everything of a scene that its clip's pixels depend on, apart from the frames it must meet:
 * the model, the picture's description, its camera and palette, the clip's length and the seed.
 * On-screen text and narration are not in it (type is burned in and voice mixed at compose),
 * so changing them never makes a clip again.
 */
export function scenePixelKey(
  scenes: readonly StoryboardScene[],
  index: number,
  briefSeed: number,
  profile: string,
): Record<string, unknown> {
  const s = scenes[index];
  return {
    profile,
    index: s.index,
    beat: s.beat,
    visualPrompt: s.visualPrompt,
    cameraMove: s.cameraMove,
    palette: s.palette,
    clipDurationSec: clipDurationSec(scenes, index),
    seed: sceneSeed(s, briefSeed),
  };
}

export type RegenerationReason = 'changed' | 'new-seed-frame' | 'new-keyframe';

export interface RevisionScenePlan {
  index: number;
  reason: RegenerationReason;
}

/** One thing an edit changed, for the revision's record. */
export interface RevisionChange {
  /** `scenes[2].visualPrompt`, `brief.callToAction`, `endCard.callToAction`, … */
  field: string;
  scene: number | null;
}

/**
 * What a revision's flow makes before compose: the scene steps (with the keyframes of anchored
 * chains) only when a scene is made again; the music when its mood changed; the soundtrack when
 * anything it is mixed from changed (music, narration, the statement's timing, loudness).
 */
export interface RevisionRemake {
  scenes: boolean;
  music: boolean;
  soundtrack: boolean;
}

/**
 * What a revision must make, from its plan and whether the audio changed. Recomposing from the
 * stored clips is safe only after a completed render: its clips, music and soundtrack are exactly
 * the current storyboard's. After a failed revision every step runs (each reuses what is stored).
 */
export function revisionRemake(
  plan: Pick<RevisionPlan, 'regenerate'>,
  audio: { musicChanged: boolean; soundtrackChanged: boolean; musicEnabled: boolean },
  previous: 'completed' | 'failed',
): RevisionRemake {
  if (previous !== 'completed') return { scenes: true, music: audio.musicEnabled, soundtrack: true };
  const music = audio.musicEnabled && audio.musicChanged;
  return { scenes: plan.regenerate.length > 0, music, soundtrack: music || audio.soundtrackChanged };
}

export interface RevisionPlan {
  /** the scenes made again, in order, and why */
  regenerate: RevisionScenePlan[];
  changes: RevisionChange[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Which scenes a revision makes again, given the storyboards before and after, the schedules
 * planned for each (profile and continuity strategy per scene) and the brief seeds:
 * - a scene whose pixel key changed (prompt, camera, palette, clip length, seed, model);
 * - chained: every scene seeded from the last frame of a scene made again, down its chain, and
 *   a scene whose seeding changed (its transition became or stopped being continuous);
 * - anchored: a scene stays between the keyframes it was made with, which a revision keeps, so it
 *   is made again alone; its neighbours only when a boundary keyframe itself changed (a boundary
 *   that appears or disappears).
 * Text, narration, music, brand, compliance, formats and loudness make nothing again.
 */
export function planRevision(
  before: { storyboard: Storyboard; schedule: JobSchedule; briefSeed: number },
  after: { storyboard: Storyboard; schedule: JobSchedule; briefSeed: number },
): RevisionPlan {
  const old = before.storyboard.scenes;
  const next = after.storyboard.scenes;
  const reasons = new Map<number, RegenerationReason>();
  const mark = (index: number, reason: RegenerationReason) => {
    if (!reasons.has(index)) reasons.set(index, reason);
  };

  for (const [i, planned] of after.schedule.scenes.entries()) {
    const was = before.schedule.scenes[i];
    if (!was || i >= old.length) {
      mark(i, 'changed');
      continue;
    }
    const keyBefore = scenePixelKey(old, i, before.briefSeed, was.profile);
    const keyAfter = scenePixelKey(next, i, after.briefSeed, planned.profile);
    if (!same(keyBefore, keyAfter)) mark(i, 'changed');
    else if (planned.strategy !== was.strategy || planned.seededFrom !== was.seededFrom) mark(i, 'new-seed-frame');
  }

  // Anchored boundaries: a keyframe that is new or gone changes both scenes that meet there.
  const keyframesBefore = new Set(before.schedule.keyframes);
  const keyframesAfter = new Set(after.schedule.keyframes);
  for (const k of new Set([...keyframesBefore, ...keyframesAfter])) {
    if (keyframesBefore.has(k) === keyframesAfter.has(k)) continue;
    for (const i of [k - 1, k]) if (i >= 0 && i < next.length) mark(i, 'new-keyframe');
  }

  // Chained: a scene made again gives the scenes seeded from it a new first frame, down the chain.
  for (const planned of after.schedule.scenes) {
    if (planned.strategy === 'chained' && planned.waitsFor !== null && reasons.has(planned.waitsFor)) {
      mark(planned.index, 'new-seed-frame');
    }
  }

  const regenerate = [...reasons.entries()].sort(([a], [b]) => a - b).map(([index, reason]) => ({ index, reason }));
  return { regenerate, changes: storyboardChanges(before.storyboard, after.storyboard) };
}

/** Every field that differs between two storyboards, scene fields by scene. */
export function storyboardChanges(before: Storyboard, after: Storyboard): RevisionChange[] {
  const changes: RevisionChange[] = [];
  const count = Math.max(before.scenes.length, after.scenes.length);
  for (let i = 0; i < count; i++) {
    const a = (before.scenes[i] ?? {}) as Record<string, unknown>;
    const b = (after.scenes[i] ?? {}) as Record<string, unknown>;
    for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!same(a[field], b[field])) changes.push({ field: `scenes[${i}].${field}`, scene: i });
    }
  }
  for (const field of ['title', 'music', 'endCard', 'compliance'] as const) {
    const a = before[field] as Record<string, unknown> | null;
    const b = after[field] as Record<string, unknown> | null;
    if (a && b && typeof a === 'object' && !Array.isArray(a)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (!same(a[key], b[key])) changes.push({ field: `${field}.${key}`, scene: null });
      }
    } else if (!same(a, b)) changes.push({ field, scene: null });
  }
  return changes;
}

/** A scene patch: any of the revisable fields of the scene at `index`. */
export type ScenePatch = { index: number } & Partial<Pick<StoryboardScene, RevisableSceneField>>;

/** The brief fields a revision changes. */
export type BriefPatch = Partial<Pick<Brief, RevisableBriefField>>;

/**
 * The storyboard and brief a revision asks for: a whole storyboard, or scene patches over the
 * current one; brief fields replaced; the end card's call to action and the compliance text
 * follow a changed brief. `complianceTextOf` is the storyboard rules' own derivation.
 */
export function applyRevision(
  current: { storyboard: Storyboard; brief: Brief },
  edit: { storyboard?: Storyboard; scenes?: readonly ScenePatch[]; brief?: BriefPatch },
  complianceTextOf: (brief: Brief) => string | null,
): { storyboard: Storyboard; brief: Brief } {
  const brief: Brief = { ...current.brief, ...edit.brief };
  const storyboard: Storyboard = structuredClone(edit.storyboard ?? current.storyboard);
  for (const patch of edit.scenes ?? []) {
    const scene = storyboard.scenes[patch.index];
    if (!scene) continue;
    const { index: _index, ...fields } = patch;
    Object.assign(scene, fields);
    for (const key of Object.keys(fields) as RevisableSceneField[]) if (scene[key] === undefined) delete scene[key];
  }
  if (edit.brief && 'callToAction' in edit.brief && !edit.storyboard) {
    storyboard.endCard.callToAction = brief.callToAction ?? '';
  }
  // Major statement (issue 17): a new compliance text (or voiceover) is laid out again, in the
  // window the statement had when it fits there
  let laidOut = storyboard;
  if (edit.brief && ('compliance' in edit.brief || 'voiceover' in edit.brief) && !edit.storyboard) {
    laidOut =
      storyboard.compliance?.statement || complianceTextOf(brief)
        ? replanMajorStatement(storyboard, brief)
        : storyboard;
  }
  if (edit.brief?.music?.mood && !edit.storyboard) laidOut.music.mood = edit.brief.music.mood;
  if (edit.brief?.music && !edit.storyboard) laidOut.music.enabled = brief.music.enabled;
  return { storyboard: laidOut, brief };
}
