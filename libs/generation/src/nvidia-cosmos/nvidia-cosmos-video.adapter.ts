import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Errors } from '@app/domain';
import {
  type GenerationResult,
  type ProviderJobRef,
  type StepOptions,
  type VideoGenerator,
  type VideoRequest,
} from '../generation.ports';
import { clampVideoRequest, estimateCost } from '../registry/model-limits.util';
import { type ModelProfile } from '../registry/model-profile.schema';
import { isProviderError } from '../throughput/provider.errors';
import { withRetries } from '../throughput/retry.util';
import { type AdapterTuning } from '../provider-kit/adapter-tuning';
import {
  type JobDriver,
  type JobRunResult,
  type JobSnapshot,
  runProviderJob,
} from '../provider-kit/provider-job.runner';
import { type ProviderMedia } from '../provider-kit/provider-media.service';
import { type ConditioningMedia, type CosmosAsk, cosmosRequestBody } from './cosmos-inputs.builder';
import { type CosmosOutput, type NvcfAnswer } from './nvcf-answer.parser';
import { extractArchivedVideo } from './nvcf-archive.util';
import { NVIDIA_COSMOS, NvidiaCosmosClient } from './nvidia-cosmos.client';

export interface NvidiaCosmosVideoDeps {
  profile: ModelProfile;
  client: NvidiaCosmosClient;
  media: ProviderMedia;
  tuning: AdapterTuning;
}

function snapshotOf(answer: NvcfAnswer): JobSnapshot<NvcfAnswer> {
  if (answer.phase === 'done') return { state: answer, phase: 'succeeded' };
  if (answer.phase === 'failed') return { state: answer, phase: 'failed', error: answer.reason };
  return { state: answer, phase: 'pending', progress: answer.progress };
}

/**
 * Scenes on NVIDIA Cosmos through the API catalogue: Text2World from the scene's prompt, or
 * Video2World from the seed frame (inline, or an NVCF asset when large). The accepted request's
 * NVCF-REQID is recorded before polling, so a restarted worker polls that request instead of paying
 * for another. The video comes back in the status answer (or a ZIP for a large one) and is copied
 * out at once, then cut to the scene and reframed to the spec: Cosmos makes one size and length.
 */
export class NvidiaCosmosVideoGenerator implements VideoGenerator {
  readonly name: string;
  readonly real = true;

  constructor(private readonly deps: NvidiaCosmosVideoDeps) {
    this.name = `${NVIDIA_COSMOS}:${deps.profile.model}`;
  }

  async generate(request: VideoRequest, options: StepOptions = {}): Promise<GenerationResult> {
    const { profile, client, media, tuning } = this.deps;
    const clamp = clampVideoRequest(profile, {
      width: request.spec.width,
      height: request.spec.height,
      durationSec: request.durationSec,
      firstFrame: Boolean(request.seedFramePath),
    });
    const conditioning: ConditioningMedia | null =
      clamp.firstFrame && request.seedFramePath
        ? { mime: 'image/png', bytes: await readFile(request.seedFramePath) }
        : null;
    const ask: CosmosAsk = {
      prompt: request.scene.visualPrompt,
      width: clamp.width,
      height: clamp.height,
      fps: clamp.fps,
      seconds: clamp.modelSec,
      seed: request.seed,
    };
    const model = conditioning ? (profile.firstFrameModel ?? profile.model) : profile.model;
    const uploads = new Map<string, string>();
    // whether an accepted request may still be running at NVIDIA (and so still need its input asset)
    const live = { request: false };

    let run: JobRunResult<NvcfAnswer>;
    try {
      run = await runProviderJob(
        this.driver(model, ask, conditioning, uploads, live),
        options,
        { ...tuning.poll, timeoutMs: profile.timeoutSec * 1000 },
        (f) => options.onProgress?.(f * 0.8),
      );
      live.request = false;
    } catch (error) {
      if (isProviderError(error, Errors.providerFailed)) live.request = false;
      throw error;
    } finally {
      if (!live.request)
        await Promise.all([...uploads].map(([fp, id]) => client.deleteAsset(id, fp).catch(() => undefined)));
    }
    const { ref, state } = run;
    if (state.phase !== 'done') throw new RangeError(`${NVIDIA_COSMOS}: request ${ref.id} ended ${state.phase}`);

    const rawPath = join(request.workDir, `scene_${request.scene.index}.${NVIDIA_COSMOS}.mp4`);
    const outPath = join(request.workDir, `scene_${request.scene.index}.mp4`);
    await withRetries(
      async () => {
        await this.copyOut(state.output, ref, rawPath, options.signal);
        await media.normaliseClip(rawPath, outPath, request.spec, request.durationSec, clamp.slowdown, {
          signal: options.signal,
          onProgress: (f) => options.onProgress?.(0.8 + 0.2 * f),
        });
      },
      { ...tuning.retry, signal: options.signal },
    );
    await rm(rawPath, { force: true });
    options.onProgress?.(1);
    return {
      path: outPath,
      usage: {
        provider: NVIDIA_COSMOS,
        model: profile.model,
        seconds: clamp.modelSec,
        calls: 1,
        costUsd: estimateCost(profile, clamp.modelSec, 1),
      },
    };
  }

  private async copyOut(output: CosmosOutput, ref: ProviderJobRef, rawPath: string, signal?: AbortSignal) {
    if (output.kind === 'inline') return writeFile(rawPath, output.video);
    const zipPath = `${rawPath}.zip`;
    try {
      await this.deps.client.download(output.url, zipPath, signal);
      await extractArchivedVideo(NVIDIA_COSMOS, zipPath, rawPath, ref.id);
    } finally {
      await rm(zipPath, { force: true });
    }
  }

  private driver(
    model: string,
    ask: CosmosAsk,
    conditioning: ConditioningMedia | null,
    uploads: Map<string, string>,
    live: { request: boolean },
  ): JobDriver<NvcfAnswer> {
    const { profile, client } = this.deps;
    return {
      provider: NVIDIA_COSMOS,
      create: async (signal) => {
        const body = (url: string | null) =>
          cosmosRequestBody(profile, ask, conditioning && url ? { mime: conditioning.mime, url } : null);
        const { answer, keyFingerprint, lease } = await client.invoke(model, body, conditioning, uploads, signal);
        live.request = answer.phase === 'pending';
        const ref: ProviderJobRef = {
          provider: NVIDIA_COSMOS,
          id: answer.requestId,
          endpoint: client.statusEndpointFor(keyFingerprint),
          model,
          createdAt: new Date().toISOString(),
        };
        return { ref, snapshot: snapshotOf(answer), lease };
      },
      resume: async (ref, signal) => {
        const lease = await client.acquireSlot(NvidiaCosmosClient.keyOf(ref.endpoint) ?? 'unknown', signal);
        try {
          const answer = await client.status(ref.endpoint, ref.id, signal);
          // gone or failed: the next create is a new request, made knowingly
          if (!answer || answer.phase === 'failed') {
            await lease.release();
            return null;
          }
          live.request = answer.phase === 'pending';
          return { snapshot: snapshotOf(answer), lease };
        } catch (error) {
          await lease.release();
          throw error;
        }
      },
      poll: async (ref, signal) =>
        snapshotOf(
          (await client.status(ref.endpoint, ref.id, signal)) ?? {
            phase: 'failed',
            requestId: ref.id,
            reason: 'NVCF no longer knows the request (expired, or its result was already taken)',
          },
        ),
      // NVCF publishes no way to cancel an accepted invocation (only its status and queue position):
      // aborting stops our polling and frees the slot; NVIDIA finishes the request on its own.
      cancel: async () => undefined,
    };
  }
}
