import { Errors } from '@app/domain/contract';
import type { JobView } from './types';

export function money(usd: number): string {
  if (usd > 0 && usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

export function seconds(value: number): string {
  return Number.isInteger(value) ? `${value} s` : `${value.toFixed(1)} s`;
}

/** `12–20.5 s`: a span of ad time, as the API's storyboard rules name it. */
export function spanLabel(span: { startSec: number; endSec: number }): string {
  const round = (v: number) => Math.round(v * 10) / 10;
  return `${round(span.startSec)}–${round(span.endSec)} s`;
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A job's name for people: its product and the start of its brief. */
export function titleOf(brief: { brief: string; product?: { name: string } }): string {
  const text = brief.brief.trim();
  const excerpt = text.length > 70 ? `${text.slice(0, 67).trimEnd()}…` : text;
  return brief.product?.name ? `${brief.product.name}: ${excerpt}` : excerpt;
}

export function formatsOf(job: Pick<JobView, 'brief'>): string {
  const master = job.brief.aspectRatio;
  return [master, ...(job.brief.aspectRatios ?? []).filter((r) => r !== master)].join(', ');
}

/** What a failure code means, in the words of the people who read it. */
export function explainError(code: string): string {
  if (code === Errors.budgetExceeded.code)
    return 'Making this ad would cost more than the budget set for it. Nothing was spent.';
  if (code.startsWith('SAFETY.'))
    return 'A safety check stopped this ad. Change the brief or the scenes and try again.';
  if (code.startsWith('PROVIDER.'))
    return 'The video service could not make a scene. Try again later, or choose another video profile.';
  if (code.startsWith('PLANNER.')) return 'The storyboard could not be planned. Try rewording the brief.';
  if (code.startsWith('SCENE.')) return 'A scene could not be generated.';
  if (code.startsWith('MUSIC.')) return 'The music could not be made.';
  if (code.startsWith('COMPOSE.') || code.startsWith('MEDIA.')) return 'The final video could not be put together.';
  if (code === Errors.jobInterrupted.code) return 'The job was interrupted and could not be resumed.';
  return 'Something went wrong while making this ad.';
}
