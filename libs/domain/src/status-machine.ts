import { AppError, Errors } from './errors';
import { isTerminal, type Job } from './job';
import { type JobStatus } from './vocabulary';

const FORWARD: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['planning'],
  planning: ['generating'],
  generating: ['composing'],
  composing: ['completed'],
  completed: [],
  failed: [],
  cancelled: [],
};

/**
 * Whether a job may move from `from` to `to`. Re-entering the current state is allowed so that a
 * step retried after a crash can record itself again; terminal states never change.
 */
export function canTransition(from: JobStatus, to: JobStatus): boolean {
  if (isTerminal(from)) return false;
  if (from === to) return true;
  if (to === 'failed' || to === 'cancelled') return true;
  return FORWARD[from].includes(to);
}

export class InvalidTransitionError extends AppError {
  constructor(
    readonly from: JobStatus,
    readonly to: JobStatus,
  ) {
    super(Errors.jobInvalidTransition, `job cannot move from ${from} to ${to}`);
  }
}

/** Stage weights of overall progress; scenes share the generating band by duration, music gets a slice. */
const BANDS = { planning: [0, 5], generating: [5, 85], composing: [85, 100] } as const;
const MUSIC_SHARE = 0.1;

/** Overall progress (0-100) implied by a row, never lower than what the row already shows. */
export function overallProgress(job: Job): number {
  let value: number;
  switch (job.status) {
    case 'queued':
      value = 0;
      break;
    case 'planning':
      value = BANDS.planning[0];
      break;
    case 'generating': {
      const total = job.scenes.reduce((sum, s) => sum + s.durationSec, 0) || 1;
      const scenes = job.scenes.reduce((sum, s) => sum + (s.durationSec / total) * s.progress, 0) / 100;
      const music = job.music.status === 'skipped' ? 1 : job.music.progress / 100;
      const share = (1 - MUSIC_SHARE) * scenes + MUSIC_SHARE * music;
      value = BANDS.generating[0] + share * (BANDS.generating[1] - BANDS.generating[0]);
      break;
    }
    case 'composing':
      value = BANDS.composing[0];
      break;
    case 'completed':
      value = 100;
      break;
    default:
      value = job.progress;
  }
  return Math.max(job.progress, Math.min(100, Math.round(value * 10) / 10));
}

/** Composing progress (0-1) mapped into the composing band. */
export function composingProgress(fraction: number): number {
  const f = Math.min(1, Math.max(0, fraction));
  return Math.round((BANDS.composing[0] + f * (BANDS.composing[1] - BANDS.composing[0] - 1)) * 10) / 10;
}
