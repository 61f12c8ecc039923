import {
  CAMERA_MOVES,
  type CameraMove,
  MAX_TRANSITION_SEC,
  MIN_TRANSITION_SEC,
  storyboardSceneSchema,
  storyboardSchema,
  TRANSITIONS,
} from '@app/domain';

/** Used when a scene's palette has fewer than two usable colours after repair. */
const NEUTRAL_PALETTE = ['#1f2937', '#f5f5f4'];
const MAX_NARRATION = 300;

const SCENE_KEYS = new Set(Object.keys(storyboardSceneSchema.shape));
const STORYBOARD_KEYS = new Set(Object.keys(storyboardSchema.shape));

/** How models tend to name the moves we have. */
const CAMERA_SYNONYMS: Record<string, CameraMove> = {
  zoomin: 'push-in',
  dollyin: 'push-in',
  pushin: 'push-in',
  trackin: 'push-in',
  zoomout: 'pull-out',
  dollyout: 'pull-out',
  pullback: 'pull-out',
  pullout: 'pull-out',
  panleft: 'pan-left',
  panright: 'pan-right',
  tiltup: 'tilt-up',
  tiltdown: 'tilt-down',
  still: 'static',
  locked: 'static',
  lockedoff: 'static',
  fixed: 'static',
  none: 'static',
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What can be fixed in a model's storyboard without asking it again, fixed the same way every
 * time: colours written another way become #RRGGBB (unusable ones dropped, a neutral pair when
 * too few are left), an unknown camera move becomes its nearest named move (or static), an
 * unknown transition a cut, fields the schema does not have are dropped, and an optional field
 * that breaks its rule (a blend length out of range, an over-long narration) is dropped. Anything
 * else is left for the schema to report; only an answer with no usable storyboard fails.
 */
export function repairStoryboardAnswer(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const storyboard: Json = Object.fromEntries(Object.entries(raw).filter(([k]) => STORYBOARD_KEYS.has(k)));
  if (Array.isArray(storyboard.scenes)) storyboard.scenes = storyboard.scenes.map(repairScene);
  return storyboard;
}

/** The same repair for answers that carry a storyboard beside other fields (prompt tools). */
export function repairStoryboardsIn(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const out: Json = { ...raw };
  if (isObject(out.storyboard)) out.storyboard = repairStoryboardAnswer(out.storyboard);
  if (Array.isArray(out.items)) out.items = out.items.map((item) => repairStoryboardsIn(item));
  return out;
}

function repairScene(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const scene: Json = Object.fromEntries(Object.entries(raw).filter(([k]) => SCENE_KEYS.has(k)));
  if (typeof scene.durationSec === 'string' && /^\d+$/.test(scene.durationSec.trim()))
    scene.durationSec = Number(scene.durationSec);
  if (typeof scene.cameraMove === 'string') scene.cameraMove = cameraMove(scene.cameraMove);
  if (typeof scene.transitionIn === 'string' && !(TRANSITIONS as readonly string[]).includes(scene.transitionIn)) {
    const near = scene.transitionIn
      .trim()
      .toLowerCase()
      .replace(/[\s_]+/g, '-');
    scene.transitionIn = (TRANSITIONS as readonly string[]).includes(near) ? near : 'cut';
  }
  if (
    scene.transitionSec !== undefined &&
    (typeof scene.transitionSec !== 'number' ||
      scene.transitionSec < MIN_TRANSITION_SEC ||
      scene.transitionSec > MAX_TRANSITION_SEC)
  )
    delete scene.transitionSec;
  if (scene.narration === null || (typeof scene.narration === 'string' && scene.narration.length > MAX_NARRATION))
    delete scene.narration;
  if (scene.onScreenText === null || scene.onScreenText === undefined) scene.onScreenText = '';
  if (Array.isArray(scene.palette)) {
    const colours = [...new Set(scene.palette.map(hexColour).filter((c): c is string => c !== null))].slice(0, 5);
    scene.palette =
      colours.length >= 2 ? colours : [...colours, ...NEUTRAL_PALETTE].slice(0, Math.max(2, colours.length));
  }
  return scene;
}

function cameraMove(given: string): string {
  if ((CAMERA_MOVES as readonly string[]).includes(given)) return given;
  const key = given.toLowerCase().replace(/[^a-z]/g, '');
  return CAMERA_SYNONYMS[key] ?? 'static';
}

/** `#abc`, `abcdef`, `#ABCDEF`, `rgb(1, 2, 3)` → `#rrggbb`; anything else null. */
export function hexColour(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  let m = /^#?([0-9a-f]{6})$/.exec(v);
  if (m) return `#${m[1]}`;
  m = /^#?([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(v);
  if (m) return `#${m[1]}${m[1]}${m[2]}${m[2]}${m[3]}${m[3]}`;
  const rgb = /^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*[\d.]+\s*)?\)$/.exec(v);
  if (rgb) {
    const parts = rgb.slice(1, 4).map(Number);
    if (parts.every((n) => n <= 255)) return `#${parts.map((n) => n.toString(16).padStart(2, '0')).join('')}`;
  }
  return null;
}
