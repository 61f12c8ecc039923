/**
 * The words of the product's vocabulary (formats, transitions, camera moves, job statuses) with
 * no dependencies, so the web studio can offer exactly what the API accepts without bundling the
 * schemas; the schemas build on these lists.
 */
export const ASPECT_RATIOS = ['16:9', '9:16', '1:1'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/**
 * How a scene enters. `cut` and `continuous` are plain joins (continuous also seeds the scene from
 * the last frame before it); the others blend the two clips over `transitionSec`.
 */
export const TRANSITIONS = [
  'cut',
  'continuous',
  'crossfade',
  'dip-to-black',
  'dip-to-white',
  'wipe-left',
  'wipe-right',
  'slide-left',
  'slide-right',
] as const;
export type TransitionIn = (typeof TRANSITIONS)[number];

export const CAMERA_MOVES = ['static', 'push-in', 'pull-out', 'pan-left', 'pan-right', 'tilt-up', 'tilt-down'] as const;
export type CameraMove = (typeof CAMERA_MOVES)[number];

export const JOB_STATUSES = [
  'queued',
  'planning',
  'generating',
  'composing',
  'completed',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
