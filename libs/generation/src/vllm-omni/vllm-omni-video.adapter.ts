import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  type GenerationResult,
  type ProviderIntent,
  type ProviderJobRef,
  type StepOptions,
  type VideoGenerator,
  type VideoRequest,
} from '../generation.ports';
import { clampVideoRequest, type ClampedVideoRequest, oneCallUsage } from '../registry/model-limits.util';
import { type ModelProfile } from '../registry/model-profile.schema';
import { isProviderError, ProviderError } from '../throughput/provider.errors';
import { Errors } from '@app/domain';
import { isSafeToResend, withRetries } from '../throughput/retry.util';
import { type AdapterTuning } from '../provider-kit/adapter-tuning';
import { type ProviderHttpClient } from '../provider-kit/provider-http.client';
import { type JobDriver, type JobSnapshot, runProviderJob } from '../provider-kit/provider-job.runner';
import { type ProviderMedia } from '../provider-kit/provider-media.service';
import { trimBase, type VllmOmniEndpoints } from './vllm-omni.endpoints';

export const VLLM_OMNI = 'vllm-omni';

/** A video request may carry a last frame for models that take one (the port's request does not, yet). */
export type VideoRequestWithEnd = VideoRequest & { endFramePath?: string | null };

/** The job record GET /v1/videos/{id} answers (vLLM-Omni's VideoResponse); only what we read is checked. */
const videoJobSchema = z.object({
  id: z.string().min(1),
  status: z.enum(['queued', 'in_progress', 'completed', 'failed']),
  progress: z.number().optional(),
  error: z.object({ message: z.string().optional() }).passthrough().nullable().optional(),
});
type VideoJob = z.infer<typeof videoJobSchema>;

/** One job of GET /v1/videos (vLLM-Omni's VideoListResponse): what an unrecorded create is matched on. */
const listedJobSchema = videoJobSchema.extend({
  model: z.string(),
  prompt: z.string(),
  size: z.string().nullable().optional(),
  created_at: z.number(),
});
const videoListSchema = z.object({
  data: z.array(listedJobSchema),
  has_more: z.boolean().optional(),
  last_id: z.string().nullable().optional(),
});

/** The fields of a create the server echoes in its job records, as one digest. */
function fingerprintOf(prompt: string, size: string | null | undefined): string {
  return createHash('sha256')
    .update(`${prompt}\n${size ?? ''}`)
    .digest('hex');
}

/** Pages of the job list read when looking for an unrecorded create (100 jobs each, newest first). */
const ORPHAN_LIST_PAGES = 5;

export interface VllmOmniVideoDeps {
  profile: ModelProfile;
  endpoints: VllmOmniEndpoints;
  http: ProviderHttpClient;
  media: ProviderMedia;
  tuning: AdapterTuning;
}

/** DELETE /v1/videos/{id} on the server the job lives on; a job already gone counts as cancelled. */
export async function cancelVllmOmniJob(
  http: ProviderHttpClient,
  ref: ProviderJobRef,
  tuning: AdapterTuning,
): Promise<void> {
  try {
    await withRetries(
      () =>
        http.json({
          method: 'DELETE',
          url: `${trimBase(ref.endpoint)}/v1/videos/${encodeURIComponent(ref.id)}`,
          timeoutMs: tuning.requestTimeoutMs,
        }),
      tuning.retry,
    );
  } catch (error) {
    if (isProviderError(error, Errors.providerRejected) && error.details.notFound) return;
    throw error;
  }
}

function parseJob(body: unknown, what: string): VideoJob {
  const parsed = videoJobSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new ProviderError(
    Errors.providerBadOutput,
    `${VLLM_OMNI}: ${what} answered an unexpected job record: ${parsed.error.issues[0]?.message}`,
    { provider: VLLM_OMNI },
  );
}

function snapshotOf(job: VideoJob): JobSnapshot<VideoJob> {
  if (job.status === 'completed') return { state: job, phase: 'succeeded' };
  if (job.status === 'failed') return { state: job, phase: 'failed', error: job.error?.message };
  return { state: job, phase: 'pending', progress: Math.max(0, Math.min(1, (job.progress ?? 0) / 100)) };
}

/**
 * Scenes on self-hosted vLLM-Omni servers (Wan2.2 and the like) through the async Videos API:
 * multipart create (the seed frame as `input_reference`), poll, download, normalise to the spec.
 */
export class VllmOmniVideoGenerator implements VideoGenerator {
  readonly name: string;
  readonly real = true;

  constructor(private readonly deps: VllmOmniVideoDeps) {
    this.name = `${VLLM_OMNI}:${deps.profile.model}`;
  }

  async generate(request: VideoRequestWithEnd, options: StepOptions = {}): Promise<GenerationResult> {
    const { profile, tuning, media } = this.deps;
    const clamp = clampVideoRequest(profile, {
      width: request.spec.width,
      height: request.spec.height,
      durationSec: request.durationSec,
      firstFrame: Boolean(request.seedFramePath),
    });
    const seedPng = clamp.firstFrame && request.seedFramePath ? await readFile(request.seedFramePath) : null;
    const report = (f: number) => options.onProgress?.(Math.min(0.85, f * 0.85));

    const { ref } = await runProviderJob(
      this.driver(request, clamp, seedPng),
      options,
      { ...tuning.poll, timeoutMs: profile.timeoutSec * 1000 },
      report,
    );

    const rawPath = join(request.workDir, `scene_${request.scene.index}.${VLLM_OMNI}.mp4`);
    const outPath = join(request.workDir, `scene_${request.scene.index}.mp4`);
    // A cut-short or corrupt download is fetched again; the job's output stays on the server until deleted.
    await withRetries(
      async () => {
        await this.deps.http.download(
          {
            method: 'GET',
            url: `${ref.endpoint}/v1/videos/${encodeURIComponent(ref.id)}/content`,
            headers: { accept: 'video/mp4' },
            timeoutMs: tuning.downloadTimeoutMs,
            signal: options.signal,
          },
          rawPath,
        );
        await media.normaliseClip(rawPath, outPath, request.spec, request.durationSec, clamp.slowdown, {
          signal: options.signal,
          onProgress: (f) => options.onProgress?.(0.85 + 0.15 * f),
        });
      },
      { ...tuning.retry, signal: options.signal },
    );
    await rm(rawPath, { force: true });
    // The server's copy stays until the caller has stored ours (Generators.release): a worker that
    // dies before then resumes this job instead of paying for another.
    options.onProgress?.(1);
    return {
      path: outPath,
      usage: oneCallUsage(VLLM_OMNI, profile, clamp.modelSec),
    };
  }

  /** DELETE /v1/videos/{id}: aborts a running job and removes its output. */
  cancel(ref: ProviderJobRef): Promise<void> {
    return cancelVllmOmniJob(this.deps.http, ref, this.deps.tuning);
  }

  private driver(request: VideoRequest, clamp: ClampedVideoRequest, seedPng: Buffer | null): JobDriver<VideoJob> {
    const { profile, endpoints, http, tuning } = this.deps;
    const getJob = async (ref: ProviderJobRef, signal?: AbortSignal): Promise<VideoJob | null> => {
      try {
        const answer = await withRetries(
          async () => {
            await endpoints.throttle(ref.endpoint, signal);
            return http.json<unknown>({
              method: 'GET',
              url: `${ref.endpoint}/v1/videos/${encodeURIComponent(ref.id)}`,
              timeoutMs: tuning.requestTimeoutMs,
              signal,
            });
          },
          { ...tuning.retry, signal },
        );
        return parseJob(answer.body, 'GET /v1/videos/{id}');
      } catch (error) {
        // Gone (server restarted, job deleted or expired): the caller makes it again.
        if (isProviderError(error, Errors.providerRejected) && error.details.notFound) return null;
        throw error;
      }
    };

    const fingerprint = fingerprintOf(request.scene.visualPrompt, `${clamp.width}x${clamp.height}`);
    return {
      provider: VLLM_OMNI,
      model: profile.model,
      create: async (signal, beforeSend) => {
        const { url, lease } = await endpoints.acquire(profile.model, signal);
        try {
          await beforeSend?.({
            provider: VLLM_OMNI,
            endpoint: url,
            model: profile.model,
            at: new Date().toISOString(),
            fingerprint,
          });
          const answer = await withRetries(
            async () => {
              await endpoints.throttle(url, signal);
              return http.json<unknown>({
                method: 'POST',
                url: `${url}/v1/videos`,
                body: this.form(request, clamp, seedPng),
                timeoutMs: tuning.requestTimeoutMs,
                signal,
              });
            },
            { ...tuning.retry, signal, retryIf: isSafeToResend },
          );
          const job = parseJob(answer.body, 'POST /v1/videos');
          const ref: ProviderJobRef = {
            provider: VLLM_OMNI,
            id: job.id,
            endpoint: url,
            model: profile.model,
            createdAt: new Date().toISOString(),
          };
          return { ref, snapshot: snapshotOf(job), lease };
        } catch (error) {
          await lease.release();
          throw error;
        }
      },
      resume: async (ref, signal) => {
        const lease = await endpoints.acquireOn(ref.endpoint, signal);
        try {
          const job = await getJob({ ...ref, endpoint: trimBase(ref.endpoint) }, signal);
          if (!job || job.status === 'failed') {
            await lease.release();
            return null;
          }
          return { snapshot: snapshotOf(job), lease };
        } catch (error) {
          await lease.release();
          throw error;
        }
      },
      findOrphans: (intent, signal) => this.findOrphans(intent, signal),
      poll: async (ref, signal) => {
        const job = await getJob(ref, signal);
        return snapshotOf(
          job ?? { id: ref.id, status: 'failed', error: { message: 'the job vanished from the server' } },
        );
      },
      cancel: (ref) => this.cancel(ref),
    };
  }

  /**
   * The jobs on the intent's server an unrecorded create may have made: same model, prompt and size,
   * created between the intent and the create's timeout, not failed, nearest the intent first. Read
   * from GET /v1/videos, newest first, until the list is older than the intent.
   */
  private async findOrphans(intent: ProviderIntent, signal?: AbortSignal): Promise<ProviderJobRef[]> {
    const { http, tuning, endpoints } = this.deps;
    const endpoint = trimBase(intent.endpoint);
    const sentSec = Date.parse(intent.at) / 1000;
    // the server stamps whole seconds; the create may have waited on retries up to its timeout
    const from = Math.floor(sentSec) - 1;
    const until = sentSec + (tuning.requestTimeoutMs * tuning.retry.attempts) / 1000 + 1;
    const settled = (Date.now() - tuning.orphanMinAgeMs) / 1000;
    const found: Array<{ ref: ProviderJobRef; distance: number }> = [];
    let after: string | null = null;
    for (let page = 0; page < ORPHAN_LIST_PAGES; page++) {
      const query: string = `limit=100&order=desc${after ? `&after=${encodeURIComponent(after)}` : ''}`;
      const answer = await withRetries(
        async () => {
          await endpoints.throttle(endpoint, signal);
          return http.json<unknown>({
            method: 'GET',
            url: `${endpoint}/v1/videos?${query}`,
            timeoutMs: tuning.requestTimeoutMs,
            signal,
          });
        },
        { ...tuning.retry, signal },
      );
      const parsed = videoListSchema.safeParse(answer.body);
      if (!parsed.success)
        throw new ProviderError(
          Errors.providerBadOutput,
          `${VLLM_OMNI}: GET /v1/videos answered an unexpected list: ${parsed.error.issues[0]?.message}`,
          { provider: VLLM_OMNI },
        );
      for (const job of parsed.data.data) {
        const matches =
          job.model === intent.model &&
          job.status !== 'failed' &&
          job.created_at >= from &&
          job.created_at <= Math.min(until, settled) &&
          fingerprintOf(job.prompt, job.size) === intent.fingerprint;
        if (matches)
          found.push({
            ref: { provider: VLLM_OMNI, id: job.id, endpoint: intent.endpoint, model: job.model, createdAt: intent.at },
            distance: Math.abs(job.created_at - sentSec),
          });
      }
      const oldest = parsed.data.data.at(-1)?.created_at;
      after = parsed.data.last_id ?? null;
      if (!parsed.data.has_more || !after || oldest === undefined || oldest < from) break;
    }
    return found.sort((a, b) => a.distance - b.distance).map((f) => f.ref);
  }

  /** The multipart body POST /v1/videos takes (vLLM-Omni Videos API: OpenAI fields plus diffusion extensions). */
  private form(request: VideoRequest, clamp: ClampedVideoRequest, seedPng: Buffer | null): FormData {
    const { profile } = this.deps;
    const form = new FormData();
    form.append('prompt', request.scene.visualPrompt);
    form.append('model', profile.model);
    form.append('width', String(clamp.width));
    form.append('height', String(clamp.height));
    form.append('num_frames', String(clamp.numFrames ?? Math.round(clamp.modelSec * clamp.fps)));
    form.append('fps', String(clamp.fps));
    form.append('seed', String(profile.sampling.seed ?? request.seed));
    if (profile.negativePrompt) form.append('negative_prompt', profile.negativePrompt);
    if (profile.sampling.steps !== null) form.append('num_inference_steps', String(profile.sampling.steps));
    if (profile.sampling.guidance !== null) form.append('guidance_scale', String(profile.sampling.guidance));
    if (profile.sampling.flowShift !== null) form.append('flow_shift', String(profile.sampling.flowShift));
    if (profile.lora) form.append('lora', JSON.stringify({ path: profile.lora.path, scale: profile.lora.scale }));
    if (seedPng) form.append('input_reference', new Blob([new Uint8Array(seedPng)], { type: 'image/png' }), 'seed.png');
    return form;
  }
}
