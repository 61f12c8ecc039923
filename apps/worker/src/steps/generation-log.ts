import { createHash } from 'node:crypto';
import { currentLogger, metrics } from '@app/observability';

/** What one generation was asked and how long it took; the prompt appears only as its SHA-256. */
export interface GenerationRecord {
  kind: 'scene' | 'music' | 'keyframe';
  provider: string;
  model: string;
  prompt: string;
  seed: number | null;
  params: Record<string, unknown>;
  durationMs: number;
  costUsd?: number;
}

/**
 * One `generation` log line per generation (on the job's context: jobId, step, scene), so an
 * operator can find what produced a clip without the prompt text ever reaching the logs; and the
 * generation and spend counters.
 */
export function logGeneration(record: GenerationRecord): void {
  const { prompt, ...rest } = record;
  const promptSha256 = createHash('sha256').update(prompt).digest('hex');
  currentLogger().info({ generation: { ...rest, promptSha256 } }, `generated ${record.kind} with ${record.model}`);
  metrics.generations.inc({ provider: record.provider, model: record.model });
  if (record.costUsd) metrics.spend.inc({ provider: record.provider, model: record.model }, record.costUsd);
}
