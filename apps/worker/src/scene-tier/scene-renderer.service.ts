import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { AppError, type ColourMatchRecord, type ContinuityRecord, Errors } from '@app/domain';
import {
  GENERATORS,
  type GenerationResult,
  type GenerationUsage,
  type Generators,
  type ModelProfile,
  type ProviderIntent,
  type ProviderJobRef,
  type VideoRequest,
} from '@app/generation';
import { Composer } from '@app/media';
import { hashOf } from '../steps/content-hash';
import { type BoundaryScores, SceneChecks } from './scene-checks.service';
import { SceneSlots } from './scene-slots.service';
import { type SlotInfo, type SlotLease } from './slot-pool';

/** A regenerated scene gets another seed: the same seed would make the same clip again. */
const RETRY_SEED_OFFSET = 7919;

/** The first generation of a scene, or its one continuity retry with another seed. */
export type RenderAttempt = 'first' | 'retry';

/** What a scene is made from: the request to the model and what the clip must match. */
export interface SceneRenderRequest {
  profile: ModelProfile;
  request: VideoRequest;
  /** the chain's first keyframe, when a generative model's drift along a chain is to be pulled back */
  colourReference: string | null;
  /** a provider job an earlier run created: poll it to the end instead of paying for another */
  resume: ProviderJobRef | null;
  /** the same for the continuity retry (another seed), when an earlier run got that far */
  resumeRetry?: ProviderJobRef | null;
  /** creates an earlier run sent per attempt; one without a recorded job is looked for at the provider */
  intents?: Partial<Record<RenderAttempt, ProviderIntent>>;
  signal: AbortSignal;
}

/** What happens along the way, for whoever records it (the scene step writes the row). */
export interface SceneRenderHooks {
  /** a slot is held and generation begins */
  started(slot: SlotInfo): Promise<void>;
  progressed(fraction: number): void;
  /** a create is about to be sent: record it before the provider can bill for it */
  providerIntent(intent: ProviderIntent, attempt: RenderAttempt): Promise<void>;
  /** takes the provider's job for this attempt, exclusively (false: another generation holds it) */
  claimProviderJob(ref: ProviderJobRef, attempt: RenderAttempt): Promise<boolean>;
  /**
   * the provider's job exists (and is billed): record it before anything else can fail; `adopted`
   * when an earlier run created it and died before recording it
   */
  providerJobCreated(ref: ProviderJobRef, attempt: RenderAttempt, adopted: boolean): Promise<void>;
  used(usage: GenerationUsage | undefined): Promise<void>;
  /** whether an error (from a hook) says the job has ended elsewhere and no longer wants this scene */
  jobEnded(error: unknown): boolean;
}

export interface RenderedScene {
  /** the clip, normalised, colour-matched and checked, in the request's work dir */
  path: string;
  slot: string;
  /** null when the clip had no boundary to meet */
  continuity: ContinuityRecord | null;
  colourMatch: ColourMatchRecord | null;
}

interface Attempt {
  path: string;
  scores: BoundaryScores;
  colourMatch: ColourMatchRecord | null;
  slot: string;
  device: string | null;
}

/**
 * Makes one scene's clip and checks it; never touches the job row or storage. On a slot of this
 * worker (one scene per device; compatible scenes may share one call where the model batches),
 * from the frames it must meet (the previous scene's last frame, or its start and end keyframes).
 * Then: colour drift along a chain is pulled back to the chain's first keyframe; every boundary is
 * scored by the continuity model and a scene that falls short is made again, once, the better clip
 * kept; the safety classifier checks sampled frames (SAFETY.OUTPUT_BLOCKED, never retried).
 */
@Injectable()
export class SceneRenderer {
  constructor(
    private readonly slots: SceneSlots,
    private readonly checks: SceneChecks,
    private readonly composer: Composer,
    @Inject(GENERATORS) private readonly generators: Generators,
  ) {}

  /** What the checks are: part of what a stored clip was made by, so a change of model remakes it. */
  get checksKey(): unknown[] {
    return [this.checks.continuity.model, this.checks.continuityThreshold, this.checks.safety.model];
  }

  async render(scene: SceneRenderRequest, hooks: SceneRenderHooks): Promise<RenderedScene> {
    const { request, signal } = scene;
    const frames = { start: request.seedFramePath, end: request.endFramePath ?? null };
    let made = await this.attempt(scene, request, 'first', scene.resume, hooks);
    let rejected: BoundaryScores | null = null;
    if (!this.passes(made.scores)) {
      // Below the threshold: made again once, with another seed; the better of the two is kept.
      rejected = made.scores;
      const workDir = join(request.workDir, 'again');
      await mkdir(workDir, { recursive: true });
      const again = await this.attempt(
        scene,
        { ...request, seed: request.seed + RETRY_SEED_OFFSET, workDir },
        'retry',
        scene.resumeRetry ?? null,
        hooks,
      );
      if (worst(again.scores) >= worst(made.scores)) made = again;
      else rejected = again.scores;
    }
    // Sampled frames pass the safety classifier before the clip goes anywhere.
    await this.checks.assertSafe(made.path, request.workDir, made.device, signal);
    return {
      path: made.path,
      slot: made.slot,
      colourMatch: made.colourMatch,
      continuity:
        frames.start || frames.end
          ? {
              model: this.checks.continuity.model,
              threshold: this.checks.continuityThreshold,
              ...made.scores,
              rejected,
              passed: this.passes(made.scores),
            }
          : null,
    };
  }

  /** One generation and its checks, in the request's own work dir, so a kept first attempt is never overwritten. */
  private async attempt(
    scene: SceneRenderRequest,
    request: VideoRequest,
    kind: RenderAttempt,
    resume: ProviderJobRef | null,
    hooks: SceneRenderHooks,
  ): Promise<Attempt> {
    const made = await this.generateOnSlot(scene, request, kind, resume, hooks);
    let path = made.path;
    let colourMatch: ColourMatchRecord | null = null;
    if (scene.colourReference) {
      const out = join(request.workDir, 'matched.mp4');
      const match = await this.composer.matchColours(
        {
          clipPath: path,
          referencePath: scene.colourReference,
          outPath: out,
          workDir: request.workDir,
          fps: request.spec.fps,
          frames: Math.round(request.durationSec * request.spec.fps),
        },
        { signal: scene.signal },
      );
      if (match.applied) path = out;
      colourMatch = { before: match.distanceBefore, after: match.distanceAfter, applied: match.applied };
    }
    const frames = { start: request.seedFramePath, end: request.endFramePath ?? null };
    const scores = await this.checks.boundaries(path, frames, request.workDir, made.slot.device, scene.signal);
    return { path, scores, colourMatch, slot: made.slot.id, device: made.slot.device };
  }

  /**
   * Waits for a slot and generates. A provider job an earlier attempt started is polled to its
   * end, never paid for twice (also one it sent but never recorded, found by its intent); one the
   * job no longer wants (aborted) is cancelled at the provider.
   */
  private async generateOnSlot(
    scene: SceneRenderRequest,
    request: VideoRequest,
    kind: RenderAttempt,
    resume: ProviderJobRef | null,
    hooks: SceneRenderHooks,
    alone = false,
  ): Promise<GenerationResult & { slot: SlotInfo }> {
    const { profile, signal } = scene;
    const video = this.generators.videoFor(profile.name);
    const batches = !alone && Boolean(video.generateBatch) && profile.maxBatch > 1;
    const lease: SlotLease = await this.slots.pool.acquire(profile.name, {
      signal,
      batchKey: batches
        ? hashOf({
            profile: profile.name,
            spec: request.spec,
            durationSec: request.durationSec,
            start: !!request.seedFramePath,
            end: !!request.endFramePath,
          })
        : undefined,
      maxBatch: batches ? profile.maxBatch : 1,
    });
    try {
      await hooks.started(lease.slot);
      let providerJob = resume;
      let result: GenerationResult;
      try {
        result =
          lease.batchSize > 1
            ? await lease.submit(request, (requests) => video.generateBatch!(requests, { signal }))
            : await video.generate(request, {
                signal,
                onProgress: hooks.progressed,
                resume,
                // used only when there is no recorded job to resume, or it is gone
                resumeIntent: scene.intents?.[kind] ?? null,
                onProviderIntent: (intent) => hooks.providerIntent(intent, kind),
                claimProviderJob: (ref) => hooks.claimProviderJob(ref, kind),
                onProviderJob: async (created, adopted) => {
                  providerJob = created;
                  await hooks.providerJobCreated(created, kind, adopted ?? false);
                },
              });
      } catch (error) {
        // The job ended (cancelled, or failed elsewhere), even between the provider's create and
        // our record of it: stop paying for this scene.
        if ((signal.aborted || hooks.jobEnded(error)) && providerJob)
          await this.generators.cancel(providerJob).catch(() => undefined);
        throw error;
      }
      await hooks.used(result.usage);
      return { ...result, slot: lease.slot };
    } catch (error) {
      // A batch that ran out of memory is tried again at once as a batch of one (a smaller request);
      // a single scene that did is retried by the queue, on whichever slot is free then.
      if (lease.batchSize > 1 && AppError.is(error, Errors.providerOutOfMemory) && !signal.aborted) {
        lease.release();
        return this.generateOnSlot(scene, request, kind, null, hooks, true);
      }
      throw error;
    } finally {
      lease.release();
    }
  }

  private passes(scores: BoundaryScores): boolean {
    return worst(scores) >= this.checks.continuityThreshold;
  }
}

/** The lowest boundary score (1 when the clip has no boundary to meet). */
function worst(scores: BoundaryScores): number {
  return Math.min(scores.start ?? 1, scores.end ?? 1);
}
