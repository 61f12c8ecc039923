import { rm } from 'node:fs/promises';
import { type ProviderJobRef, type StepOptions } from '../generation.ports';
import { type ModelProfile } from '../registry/model-profile.schema';
import { ProviderError } from '../throughput/provider.errors';
import { Errors } from '@app/domain';
import { type AdapterTuning } from '../provider-kit/adapter-tuning';
import { type JobDriver, type JobSnapshot, runProviderJob } from '../provider-kit/provider-job.runner';
import { type ProviderMedia } from '../provider-kit/provider-media.service';
import { withRetries } from '../throughput/retry.util';
import { type CreatePredictionBody, REPLICATE, ReplicateClient, type ReplicatePrediction } from './replicate.client';
import { type ReplicateWebhookWaiter } from './replicate-webhook.waiter';

/** What every Replicate adapter is made with. */
export interface ReplicateAdapterDeps {
  profile: ModelProfile;
  client: ReplicateClient;
  media: ProviderMedia;
  tuning: AdapterTuning;
  webhook: ReplicateWebhookConfig | null;
}

export interface ReplicateWebhookConfig {
  /** the public URL Replicate calls back (PUBLIC_BASE_URL + REPLICATE_WEBHOOK_PATH) */
  url: string;
  waiter: ReplicateWebhookWaiter;
}

/** Replicate gives no percentage; the status is all there is to report. */
const PROGRESS: Partial<Record<string, number>> = { starting: 0.05, processing: 0.3 };

function reasonOf(error: unknown): string {
  if (typeof error === 'string') return error;
  return error ? JSON.stringify(error) : 'no reason given';
}

export function predictionSnapshot(p: ReplicatePrediction): JobSnapshot<ReplicatePrediction> {
  if (p.status === 'succeeded') return { state: p, phase: 'succeeded' };
  if (p.status === 'failed' || p.status === 'canceled' || p.status === 'aborted')
    return { state: p, phase: 'failed', error: p.status === 'failed' ? reasonOf(p.error) : p.status };
  return { state: p, phase: 'pending', progress: PROGRESS[p.status] ?? 0.3 };
}

/** The output file of a finished prediction: a URL, or the first URL of a list. */
export function outputUrl(p: ReplicatePrediction): string | null {
  const output = Array.isArray(p.output) ? p.output.find((o) => typeof o === 'string') : p.output;
  return typeof output === 'string' && /^https?:\/\//.test(output) ? output : null;
}

export function missingOutput(p: ReplicatePrediction): ProviderError {
  return new ProviderError(
    Errors.providerBadOutput,
    `${REPLICATE}: prediction ${p.id} succeeded without an output file${p.data_removed ? ' (already removed)' : ''}`,
    // retryable: the next attempt finds this prediction unusable on resume and makes a new one
    { provider: REPLICATE, jobId: p.id },
  );
}

/** One prediction's lifecycle for `runProviderJob`: create with the webhook, poll or wait for the push. */
export function predictionDriver(
  client: ReplicateClient,
  profile: ModelProfile,
  input: () => Record<string, unknown>,
  webhook: ReplicateWebhookConfig | null,
): JobDriver<ReplicatePrediction> {
  const refOf = (p: ReplicatePrediction, fp: string): ProviderJobRef => ({
    provider: REPLICATE,
    id: p.id,
    endpoint: client.endpointFor(fp),
    model: profile.model,
    createdAt: p.created_at ?? new Date().toISOString(),
  });
  return {
    provider: REPLICATE,
    create: async (signal) => {
      const body: CreatePredictionBody = {
        input: input(),
        ...(webhook ? { webhook: webhook.url, webhook_events_filter: ['completed'] } : {}),
      };
      const { prediction, keyFingerprint, lease } = await client.create(profile.model, body, signal);
      return { ref: refOf(prediction, keyFingerprint), snapshot: predictionSnapshot(prediction), lease };
    },
    resume: async (ref, signal) => {
      const fp = ReplicateClient.keyOf(ref.endpoint);
      const lease = await client.acquireSlot(fp ?? 'unknown', signal);
      try {
        const p = await client.get(ref.id, fp, signal);
        const usable =
          p &&
          (p.status === 'succeeded'
            ? !p.data_removed && outputUrl(p) !== null
            : predictionSnapshot(p).phase === 'pending');
        if (!usable) {
          await lease.release();
          return null;
        }
        return { snapshot: predictionSnapshot(p), lease };
      } catch (error) {
        await lease.release();
        throw error;
      }
    },
    poll: async (ref, signal) => {
      const p = await client.get(ref.id, ReplicateClient.keyOf(ref.endpoint), signal);
      return predictionSnapshot(p ?? { id: ref.id, status: 'failed', error: 'the prediction is gone' });
    },
    waitForPush: webhook
      ? async (ref, delayMs, signal) => {
          const p = await webhook.waiter.terminal(ref.id, delayMs, signal);
          return p ? predictionSnapshot(p) : null;
        }
      : undefined,
    cancel: (ref) => client.cancel(ref.id, ReplicateClient.keyOf(ref.endpoint)),
  };
}

/**
 * Creates (or resumes) a prediction, follows it to the end (80% of the progress), then copies its
 * output to `rawPath` at once (Replicate deletes outputs within hours) and `finish`es it into the
 * final file; the download and `finish` are retried together, and the raw copy removed.
 */
export async function runPredictionToFile(
  deps: ReplicateAdapterDeps,
  input: () => Record<string, unknown>,
  options: StepOptions,
  rawPath: string,
  finish: (rawPath: string, onProgress: (fraction: number) => void) => Promise<unknown>,
): Promise<void> {
  const { profile, client, tuning, webhook } = deps;
  const { ref, state } = await runProviderJob(
    predictionDriver(client, profile, input, webhook),
    options,
    { ...(webhook ? tuning.pollWithWebhook : tuning.poll), timeoutMs: profile.timeoutSec * 1000 },
    (f) => options.onProgress?.(f * 0.8),
  );
  const url = outputUrl(state);
  if (!url || state.data_removed) throw missingOutput(state);
  await withRetries(
    async () => {
      await client.download(url, rawPath, ReplicateClient.keyOf(ref.endpoint), options.signal);
      await finish(rawPath, (f) => options.onProgress?.(0.8 + 0.2 * f));
    },
    { ...tuning.retry, signal: options.signal },
  );
  await rm(rawPath, { force: true });
  options.onProgress?.(1);
}
