import { type ProviderJobRef } from '../generation.ports';
import { type ModelProfile } from '../registry/model-profile.schema';
import { ProviderError, ProviderErrorCodes } from '../throughput/provider.errors';
import { type JobDriver, type JobSnapshot } from './provider-job.runner';
import { type CreatePredictionBody, REPLICATE, ReplicateClient, type ReplicatePrediction } from './replicate.client';
import { type ReplicateWebhookWaiter } from './replicate-webhook.waiter';

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
    ProviderErrorCodes.badOutput,
    `${REPLICATE}: prediction ${p.id} succeeded without an output file${p.data_removed ? ' (already removed)' : ''}`,
    { provider: REPLICATE, jobId: p.id },
    // the next attempt finds this prediction unusable on resume and makes a new one
    { retryable: true },
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
