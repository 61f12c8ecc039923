import { type Job } from './job';
import { type JobStatus } from './vocabulary';
import { canTransition, composingProgress, overallProgress } from './status-machine';

const job = (overrides: Partial<Job>): Job =>
  ({ status: 'queued', progress: 0, scenes: [], music: { status: 'pending', progress: 0 }, ...overrides }) as Job;

describe(canTransition.name, () => {
  it.each<[JobStatus, JobStatus]>([
    ['queued', 'planning'],
    ['planning', 'generating'],
    ['generating', 'composing'],
    ['composing', 'completed'],
    ['generating', 'generating'],
    ['queued', 'cancelled'],
    ['composing', 'failed'],
  ])('allows %s -> %s', (from, to) => expect(canTransition(from, to)).toBe(true));

  it.each<[JobStatus, JobStatus]>([
    ['queued', 'completed'],
    ['generating', 'planning'],
    ['completed', 'failed'],
    ['failed', 'failed'],
    ['cancelled', 'queued'],
  ])('forbids %s -> %s', (from, to) => expect(canTransition(from, to)).toBe(false));
});

describe(overallProgress.name, () => {
  it('weights scenes by duration inside the generating band and gives music its share', () => {
    const scenes = [
      { durationSec: 3, progress: 100 },
      { durationSec: 9, progress: 0 },
    ] as Job['scenes'];
    const p = overallProgress(job({ status: 'generating', scenes, music: { status: 'completed', progress: 100 } }));
    expect(p).toBeCloseTo(5 + (0.9 * 0.25 + 0.1) * 80, 1);
  });

  it('never goes below what the row already shows', () => {
    expect(overallProgress(job({ status: 'generating', progress: 50 }))).toBe(50);
  });

  it('is 100 only when completed', () => {
    expect(overallProgress(job({ status: 'completed' }))).toBe(100);
    expect(composingProgress(1)).toBeLessThan(100);
  });
});
