import { randomInt } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { catchError, filter, firstValueFrom, map, of, timeout } from 'rxjs';
import {
  AppError,
  type AssetRequest,
  type AssetType,
  briefSchema,
  Errors,
  errorSpecOf,
  isTerminal,
  type Job,
} from '@app/domain';
import { MODEL_REGISTRY, type ModelProfile, type ModelRegistry } from '@app/generation';
import { JobRepository, newJobId } from '@app/persistence';
import { bullJobId, JobName, QueueName, STEP_OPTIONS } from '@app/pipeline';
import { SafetyScreen } from '@app/safety';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { ValidationError } from '../common/global-exception.filter';
import { JobEventsService } from '../jobs/job-events.service';
import { assertWithinLimits, type InputFacts, sniffInput } from './asset-limits';
import { type AssetDraft, type InputRef, parseAssetRequest } from './asset-request.parser';

/** The profile an asset is made with when the request names none. */
const DEFAULT_PROFILE: Record<AssetType, string> = {
  image: 'image_default',
  video: 'video_default',
  gif: 'video_default',
};
/** The kind of profile each asset type is made by (a GIF is a clip first, unless made from one). */
const PROFILE_KIND: Record<AssetType, 'image' | 'video'> = { image: 'image', video: 'video', gif: 'video' };
/** The longest `?wait` honoured. */
export const MAX_WAIT_SEC = 120;

type Who = { tenantId: string; actor: string };

/** Submitting single assets: validated, screened, limited, stored as a job row of kind `asset`, enqueued. */
@Injectable()
export class AssetsService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    private readonly safety: SafetyScreen,
    private readonly events: JobEventsService,
    @InjectQueue(QueueName.Asset) private readonly queue: Queue,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
  ) {}

  /** The asset request as it will be stored, its inputs uploaded; 400 / 422 before anything is written to the table. */
  async prepare(
    who: Who,
    type: AssetType,
    body: unknown,
    id: string,
    batchId: string | null = null,
  ): Promise<AssetRequest> {
    const parsed = parseAssetRequest(type, body, () => randomInt(0, 2 ** 31 - 1));
    if (!parsed.ok) throw new ValidationError(parsed.problems);
    const draft = parsed.draft;
    const profile = this.profileFor(type, draft);
    await this.safety.enforce(
      draft.safetyLevel === 'strict' && draft.negativePrompt ? [draft.prompt, draft.negativePrompt] : [draft.prompt],
      { ...who, stage: `generate-${type}` },
    );
    const facts = await this.inputFacts(who.tenantId, draft);
    const image = facts.image;
    const outputSize =
      type === 'image' && draft.mode === 'upscale' && image?.width && image.height
        ? { width: image.width * 2, height: image.height * 2 }
        : type === 'image' && draft.mode === 'outpaint' && draft.params.expand && image?.width && image.height
          ? {
              width: image.width + draft.params.expand.left + draft.params.expand.right,
              height: image.height + draft.params.expand.top + draft.params.expand.bottom,
            }
          : { width: draft.params.width, height: draft.params.height };
    assertWithinLimits(draft, profile, outputSize);
    const keys = new ArtifactKeys(who.tenantId, id);
    const inputs: AssetRequest['inputs'] = {};
    for (const [name, ref] of Object.entries(draft.inputs) as [keyof AssetDraft['inputs'], InputRef][]) {
      const fact = facts[name]!;
      if (ref.kind === 'output') {
        inputs[name] = { key: fact.key, contentType: fact.contentType };
      } else {
        const key = keys.assetInput(name, fact.ext);
        await this.store.putBuffer(key, ref.bytes, fact.contentType);
        inputs[name] = { key, contentType: fact.contentType };
      }
    }
    return {
      type,
      mode: draft.mode,
      prompt: draft.prompt,
      negativePrompt: draft.negativePrompt,
      params: draft.params,
      profile: profile.name,
      safetyLevel: draft.safetyLevel,
      watermark: draft.watermark,
      returnFormat: draft.returnFormat,
      inputs,
      batchId,
    };
  }

  async submit(who: Who, type: AssetType, body: unknown, batchId: string | null = null): Promise<Job> {
    const id = newJobId();
    const request = await this.prepare(who, type, body, id, batchId);
    return this.create(who.tenantId, id, request);
  }

  /** Writes the row (queued) and enqueues its one step. */
  async create(tenantId: string, id: string, request: AssetRequest): Promise<Job> {
    const job = newAssetJob(tenantId, id, request);
    await this.jobs.create(job);
    await this.queue.add(
      JobName.Asset,
      { tenantId, jobId: id },
      { ...STEP_OPTIONS[JobName.Asset], jobId: bullJobId.asset(id) },
    );
    return job;
  }

  /** An asset row of this tenant (another tenant's is as unknown as a missing one). */
  async get(tenantId: string, id: string): Promise<Job> {
    const job = /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id) ? await this.jobs.get(tenantId, id) : null;
    if (!job || job.kind !== 'asset') throw new AppError(Errors.jobNotFound, `asset ${id} not found`);
    return job;
  }

  /**
   * The row once it is terminal, or as it is after `seconds`: the job-events stream of the row,
   * so a wait costs one shared watch, not a poll. A failed asset answers with its own error.
   */
  async waitFor(job: Job, seconds: number): Promise<Job> {
    if (isTerminal(job.status) || seconds <= 0) return settled(job);
    const latest = await firstValueFrom(
      this.events.watch(job, null).pipe(
        filter((e) => e.kind === 'job'),
        map((e) => (e.kind === 'job' ? e.job : job)),
        timeout({ first: seconds * 1000, each: seconds * 1000 }),
        filter((j) => isTerminal(j.status)),
        catchError(() => of(null)),
      ),
      { defaultValue: null },
    ).catch(() => null);
    return settled(latest ?? (await this.jobs.get(job.tenantId, job.id)) ?? job);
  }

  private profileFor(type: AssetType, draft: AssetDraft): ModelProfile {
    const name = draft.profile ?? DEFAULT_PROFILE[type];
    const profile = this.registry.find(name);
    const kind = PROFILE_KIND[type];
    if (!profile || profile.kind !== kind) {
      const known = [...this.registry.profiles.values()].filter((p) => p.kind === kind).map((p) => p.name);
      throw new ValidationError([
        { field: 'profile', reason: `is not a ${kind} profile here; known: ${known.join(', ')}` },
      ]);
    }
    return profile;
  }

  /** What each input is: sniffed from an upload, or read from the earlier output it names (same tenant only). */
  private async inputFacts(
    tenantId: string,
    draft: AssetDraft,
  ): Promise<Partial<Record<keyof AssetDraft['inputs'], InputFacts & { key: string }>>> {
    const out: Partial<Record<keyof AssetDraft['inputs'], InputFacts & { key: string }>> = {};
    for (const [name, ref] of Object.entries(draft.inputs) as [keyof AssetDraft['inputs'], InputRef][]) {
      const wantsVideo = name === 'video';
      if (ref.kind === 'upload') {
        const facts = sniffInput(ref.bytes);
        if (!facts || (facts.contentType === 'video/mp4') !== wantsVideo)
          throw new ValidationError([
            { field: name, reason: wantsVideo ? 'must be an MP4 video' : 'must be a PNG or JPEG image' },
          ]);
        out[name] = { ...facts, key: '' };
        continue;
      }
      const earlier = await this.jobs.get(tenantId, ref.id);
      const output =
        earlier?.status === 'completed'
          ? earlier.outputs.find((o) =>
              wantsVideo
                ? o.contentType === 'video/mp4'
                : o.contentType === 'image/png' || o.contentType === 'image/jpeg',
            )
          : undefined;
      if (!output)
        throw new AppError(
          Errors.assetInputInvalid,
          `${name}: ${ref.id} is not a completed output of yours with ${wantsVideo ? 'a video' : 'an image'}`,
        );
      out[name] = {
        contentType: output.contentType as InputFacts['contentType'],
        ext: output.contentType === 'video/mp4' ? 'mp4' : output.contentType === 'image/png' ? 'png' : 'jpg',
        width: output.width,
        height: output.height,
        key: output.key,
      };
    }
    return out;
  }
}

/** A failed asset answers with the error it failed with (its catalog status); others as they are. */
function settled(job: Job): Job {
  if (job.status === 'failed' && job.error) {
    const spec = errorSpecOf(job.error.code) ?? Errors.assetFailed;
    throw new AppError(spec, job.error.message, { details: { id: job.id, status: job.status } });
  }
  return job;
}

function newAssetJob(tenantId: string, id: string, request: AssetRequest): Job {
  const now = new Date().toISOString();
  // The row's brief says what the asset is of, so history and the studio's library can show it.
  const text = `${request.type} (${request.mode}): ${request.prompt || 'from its input'}`
    .slice(0, 2000)
    .padEnd(10, '.');
  return {
    tenantId,
    id,
    kind: 'asset',
    status: 'queued',
    progress: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
    brief: briefSchema.parse({ brief: text, durationSec: 6, music: { enabled: false } }),
    scenes: [],
    music: { status: 'skipped', progress: 0 },
    outputs: [],
    error: null,
    stages: {},
    backends: null,
    planning: null,
    cancelRequested: false,
    asset: { request, metadata: [], backend: null },
  };
}
