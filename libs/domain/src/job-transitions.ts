import { type Brief } from './brief.schema';
import { type RevisionChange, type RevisionRemake, type RevisionScenePlan } from './revision';
import { publicErrorMessage } from './errors/public-message';
import { type ComplianceReport } from './compliance-report';
import { type JobSchedule } from './schedule';
import { type AssetOutputMetadata } from './asset';
import {
  type ColourMatchRecord,
  type ContinuityRecord,
  isTerminal,
  type Job,
  type JobError,
  type PartStatus,
  type PlanningRecord,
  type ProviderIntentRecord,
  type ProviderJobRecord,
  type RevisionRecord,
  type RevisionStatus,
  type StoredOutput,
  type UsageRecord,
} from './job';
import { composingProgress } from './status-machine';

/**
 * Every change a step or a request makes to a job row, by name. Each returns a mutation for
 * `JobRepository.update`, which applies it to the current row (re-applying on a lost race) and
 * writes it; a mutation returns false when there is nothing to change, so a retried step can call
 * it again safely. The job's own status is checked by the status machine on write; the parts
 * (scenes, music, keyframes) are checked here: a part only moves forward, and a finished part
 * stays finished.
 */
export type JobMutation = (job: Job) => boolean | void;

const PART_FORWARD: Record<PartStatus, readonly PartStatus[]> = {
  pending: ['running', 'completed', 'cancelled', 'failed', 'skipped'],
  running: ['completed', 'cancelled', 'failed'],
  completed: [],
  failed: [],
  cancelled: [],
  skipped: [],
};

export function canMovePart(from: PartStatus, to: PartStatus): boolean {
  return from === to || PART_FORWARD[from].includes(to);
}

const isLive = (status: PartStatus) => status === 'pending' || status === 'running';

function now(): string {
  return new Date().toISOString();
}

/** Parts still waiting or working when the job ends elsewhere: they will not finish. */
function cancelLiveParts(job: Job): void {
  for (const scene of job.scenes) if (isLive(scene.status)) scene.status = 'cancelled';
  if (isLive(job.music.status)) job.music.status = 'cancelled';
  if (job.keyframes && isLive(job.keyframes.status)) job.keyframes.status = 'cancelled';
}

// --- the job ---------------------------------------------------------------------------------

/** The plan step has begun (queued → planning). */
export function planningStarted(at = now()): JobMutation {
  return (job) => {
    if (job.status !== 'queued') return false;
    job.status = 'planning';
    job.stages.planning = { startedAt: at, finishedAt: null };
  };
}

export interface PlannedScene {
  index: number;
  durationSec: number;
}

/**
 * The storyboard and its schedule are stored (planning → generating): every scene is pending on
 * its profile and strategy, music and keyframes pending or absent, the cost estimate recorded.
 * `planning` is the planner's report when it planned now; a row that already says how it was
 * planned (a person's storyboard) keeps that, and `unreported` is used when neither exists.
 */
export function planned(
  plan: {
    schedule: JobSchedule;
    scenes: readonly PlannedScene[];
    musicEnabled: boolean;
    planning: PlanningRecord | null;
    unreported: PlanningRecord;
    backends: { video: string; music: string };
    estimatedCostUsd: number;
  },
  at = now(),
): JobMutation {
  return (job) => {
    if (job.status !== 'planning') return false;
    const planning = plan.planning ?? job.planning ?? plan.unreported;
    job.usage = { items: [], costUsd: 0, estimatedCostUsd: plan.estimatedCostUsd };
    job.planning = planning;
    job.status = 'generating';
    job.stages.planning = { startedAt: job.stages.planning?.startedAt ?? at, finishedAt: at };
    job.stages.generating = { startedAt: at, finishedAt: null };
    job.backends = { planner: planning.planner, ...plan.backends };
    job.music = { status: plan.musicEnabled ? 'pending' : 'skipped', progress: 0 };
    job.keyframes = plan.schedule.keyframes.length
      ? { status: 'pending', count: plan.schedule.keyframes.length, done: 0 }
      : null;
    job.scenes = plan.schedule.scenes.map((s) => ({
      index: s.index,
      status: 'pending',
      progress: 0,
      durationSec: plan.scenes[s.index].durationSec,
      chain: s.chain,
      seededFrom: s.seededFrom,
      startedAt: null,
      finishedAt: null,
      clipKey: null,
      profile: s.profile,
      strategy: s.strategy,
    }));
  };
}

/** Every part is made; the final cut begins (generating → composing). */
export function composingStarted(at = now()): JobMutation {
  return (job) => {
    job.status = 'composing';
    if (job.stages.generating && !job.stages.generating.finishedAt) job.stages.generating.finishedAt = at;
    job.stages.composing ??= { startedAt: at, finishedAt: null };
  };
}

/** How far the final cut is (0-1), shown in the composing band of overall progress. */
export function composingProgressed(fraction: number): JobMutation {
  return (job) => {
    const progress = composingProgress(fraction);
    if (job.progress >= progress) return false;
    job.progress = progress;
  };
}

/** The outputs are stored (composing → completed). */
export function completed(outputs: StoredOutput[], at = now(), compliance?: ComplianceReport | null): JobMutation {
  return (job) => {
    job.status = 'completed';
    job.outputs = outputs;
    if (compliance) job.compliance = compliance;
    job.stages.composing = { startedAt: job.stages.composing?.startedAt ?? at, finishedAt: at };
    closeRevision(job, 'completed', at);
  };
}

/** A step failed for good: the job ends with its code; live parts will not finish. */
export function failed(error: JobError, at = now()): JobMutation {
  return (job) => {
    job.status = 'failed';
    // The row is what the tenant sees: no stderr, argv or paths (the step logged them in full).
    job.error = { code: error.code, message: publicErrorMessage(error.message) };
    cancelLiveParts(job);
    closeRevision(job, 'failed', at);
  };
}

/** The tenant cancelled: workers see the change and stop what they run for it. */
export function cancelled(at = now()): JobMutation {
  return (job) => {
    job.status = 'cancelled';
    job.cancelRequested = true;
    cancelLiveParts(job);
    closeRevision(job, 'cancelled', at);
  };
}

// --- revisions -----------------------------------------------------------------------------------

/** The record of the revision being made, when the job is being (or was) revised. */
export function currentRevision(job: Pick<Job, 'revision' | 'revisions'>): RevisionRecord | null {
  return job.revisions?.find((r) => r.number === job.revision) ?? null;
}

/** What the revision being made has spent so far (the whole job's spend for a first render). */
export function revisionSpendUsd(job: Pick<Job, 'revision' | 'revisions' | 'usage'>): number {
  const spent = job.usage?.costUsd ?? 0;
  return Math.max(0, Math.round((spent - (currentRevision(job)?.baseCostUsd ?? 0)) * 1e6) / 1e6);
}

function closeRevision(job: Job, status: RevisionStatus, at: string): void {
  const record = currentRevision(job);
  if (!record || record.status !== 'running') return;
  record.status = status;
  record.finishedAt = at;
  record.costUsd = revisionSpendUsd(job);
  record.outputs = status === 'completed' ? job.outputs : [];
  record.error = job.error;
}

/** Whether a job can be revised now: it is finished and has something to show (409 otherwise). */
export function canRevise(job: Pick<Job, 'status' | 'revisions' | 'outputs'>): boolean {
  if (job.status === 'completed') return true;
  // a revision that failed leaves the earlier outputs; the job can be edited again
  return job.status === 'failed' && Boolean(job.revisions?.some((r) => r.status === 'completed'));
}

export interface RevisionStart {
  number: number;
  brief: Brief;
  schedule: JobSchedule;
  scenes: readonly PlannedScene[];
  musicEnabled: boolean;
  changes: RevisionChange[];
  regenerate: RevisionScenePlan[];
  /** what its flow makes before compose (absent: everything) */
  remake?: RevisionRemake;
  estimatedCostUsd: number;
}

/**
 * A revision begins (completed → generating): the first render is recorded as revision 0 if this
 * is the first edit; the scenes it makes again go back to pending (their provider jobs forgotten,
 * so a restart resumes only the new ones), every other scene stays completed with its clip; the
 * brief becomes the edited one. Only this transition reopens a finished row, and only the
 * repository's `reopen` writes it.
 */
export function revisionStarted(start: RevisionStart, at = now()): JobMutation {
  return (job) => {
    if (!canRevise(job)) return false;
    job.revisions ??= [
      {
        number: 0,
        status: 'completed',
        createdAt: job.createdAt,
        finishedAt: job.stages.composing?.finishedAt ?? job.updatedAt,
        changes: [],
        regenerate: job.scenes.map((s) => ({ index: s.index, reason: 'changed' as const })),
        estimatedCostUsd: job.usage?.estimatedCostUsd ?? 0,
        baseCostUsd: 0,
        costUsd: job.usage?.costUsd ?? 0,
        outputs: job.outputs,
        error: null,
      },
    ];
    if (job.revisions.some((r) => r.number >= start.number)) return false;
    job.revisions.push({
      number: start.number,
      status: 'running',
      createdAt: at,
      finishedAt: null,
      changes: start.changes,
      regenerate: start.regenerate,
      ...(start.remake ? { remake: start.remake } : {}),
      estimatedCostUsd: start.estimatedCostUsd,
      baseCostUsd: job.usage?.costUsd ?? 0,
      costUsd: 0,
      outputs: [],
      error: null,
    });
    const again = new Set(start.regenerate.map((r) => r.index));
    job.revision = start.number;
    job.status = 'generating';
    job.error = null;
    job.cancelRequested = false;
    job.brief = start.brief;
    job.progress = 0;
    job.stages = { ...job.stages, generating: { startedAt: at, finishedAt: null } };
    delete job.stages.composing;
    // music and keyframes a revision does not make again stay as they are
    const musicKept = start.remake && !start.remake.music && start.musicEnabled && job.music.status === 'completed';
    if (!musicKept) job.music = { ...job.music, status: start.musicEnabled ? 'pending' : 'skipped', progress: 0 };
    if (job.keyframes && (start.remake?.scenes ?? true))
      job.keyframes = { ...job.keyframes, status: 'pending', done: 0 };
    job.scenes = start.schedule.scenes.map((s) => {
      const was = job.scenes[s.index];
      const keep = was && was.status === 'completed' && !again.has(s.index);
      return {
        ...(keep ? was : {}),
        index: s.index,
        status: keep ? 'completed' : 'pending',
        progress: keep ? 100 : 0,
        durationSec: start.scenes[s.index].durationSec,
        chain: s.chain,
        seededFrom: s.seededFrom,
        startedAt: keep ? was.startedAt : null,
        finishedAt: keep ? was.finishedAt : null,
        clipKey: keep ? was.clipKey : null,
        providerJob: null,
        createIntents: {},
        profile: s.profile,
        strategy: s.strategy,
      };
    });
  };
}

/** What a generation used, added to the job's cost record. */
export function usageRecorded(usage: UsageRecord): JobMutation {
  return (job) => {
    job.usage ??= { items: [], costUsd: 0, estimatedCostUsd: null };
    job.usage.items.push(usage);
    job.usage.costUsd = Math.round((job.usage.costUsd + usage.costUsd) * 1e6) / 1e6;
  };
}

// --- single assets -----------------------------------------------------------------------------

/** The asset step has begun: inputs are being read (queued → planning). */
export function assetStarted(at = now()): JobMutation {
  return planningStarted(at);
}

/** The model is making the asset (planning → generating); `backend` says which. */
export function assetGenerating(backend: string, at = now()): JobMutation {
  return (job) => {
    if (job.status !== 'planning') return false;
    job.status = 'generating';
    job.stages.planning = { startedAt: job.stages.planning?.startedAt ?? at, finishedAt: at };
    job.stages.generating = { startedAt: at, finishedAt: null };
    job.backends = { planner: 'none', video: backend, music: 'none' };
    if (job.asset) job.asset.backend = backend;
  };
}

/** The provider job making the asset, recorded before polling so a restart resumes it instead of paying again. */
export function assetProviderJobCreated(ref: ProviderJobRecord): JobMutation {
  return (job) => {
    if (!job.asset || isTerminal(job.status)) return false;
    job.asset.providerJob = ref;
  };
}

/** The asset's outputs are stored with what each was made with (→ completed). */
export function assetCompleted(outputs: StoredOutput[], metadata: AssetOutputMetadata[], at = now()): JobMutation {
  return (job) => {
    completed(outputs, at)(job);
    if (job.asset) job.asset.metadata = metadata;
  };
}

// --- scenes ------------------------------------------------------------------------------------

/** A scene has a slot and its generation begins (or begins again on a retry). */
export function sceneStarted(index: number, slot: string, at = now()): JobMutation {
  return (job) => {
    const scene = job.scenes[index];
    if (!scene || !canMovePart(scene.status, 'running') || scene.status === 'completed') return false;
    scene.status = 'running';
    scene.startedAt ??= at;
    scene.slot = slot;
  };
}

/** Generation progress of a scene, in whole percent; never lowered. */
export function sceneProgressed(index: number, percent: number): JobMutation {
  return (job) => {
    const scene = job.scenes[index];
    if (!scene || scene.status !== 'running' || scene.progress >= percent) return false;
    scene.progress = percent;
  };
}

/** The provider job making a scene, recorded before polling so a restart resumes it instead of paying again. */
export function sceneProviderJobCreated(
  index: number,
  ref: ProviderJobRecord,
  attempt: 'first' | 'retry' = 'first',
): JobMutation {
  return (job) => {
    const scene = job.scenes[index];
    if (!scene || !isLive(scene.status)) return false;
    if (attempt === 'retry') scene.retryProviderJob = ref;
    else scene.providerJob = ref;
  };
}

/** A scene's create is about to be sent: recorded first, so a crash before its job is recorded loses nothing. */
export function sceneProviderIntent(
  index: number,
  intent: ProviderIntentRecord,
  attempt: 'first' | 'retry' = 'first',
): JobMutation {
  return (job) => {
    const scene = job.scenes[index];
    if (!scene || !isLive(scene.status)) return false;
    scene.createIntents = { ...scene.createIntents, [attempt]: intent };
  };
}

export interface SceneResult {
  clipKey: string;
  /** the checks' findings, when the clip was made now (absent when a stored clip was reused) */
  made?: { slot: string; continuity: ContinuityRecord | null; colourMatch: ColourMatchRecord | null };
}

/** A scene's clip and last frame are stored. */
export function sceneCompleted(index: number, result: SceneResult, at = now()): JobMutation {
  return (job) => {
    const scene = job.scenes[index];
    if (!scene || !canMovePart(scene.status, 'completed')) return false;
    scene.status = 'completed';
    scene.progress = 100;
    scene.startedAt ??= at;
    scene.finishedAt = at;
    scene.clipKey = result.clipKey;
    if (result.made) Object.assign(scene, result.made);
  };
}

// --- music -------------------------------------------------------------------------------------

export function musicStarted(at = now()): JobMutation {
  return (job) => {
    if (!canMovePart(job.music.status, 'running') || job.music.status === 'completed') return false;
    job.music.status = 'running';
    job.music.startedAt ??= at;
  };
}

export function musicProgressed(percent: number): JobMutation {
  return (job) => {
    if (job.music.status !== 'running' || job.music.progress >= percent) return false;
    job.music.progress = percent;
  };
}

/** The bed's provider job exists (and is billed): recorded before polling, so a re-run of the step resumes it. */
export function musicProviderJobCreated(ref: ProviderJobRecord, contentHash: string): JobMutation {
  return (job) => {
    if (job.music.status !== 'running') return false;
    job.music.providerJob = { ref, contentHash };
  };
}

export function musicCompleted(at = now()): JobMutation {
  return (job) => {
    if (!canMovePart(job.music.status, 'completed')) return false;
    job.music = { status: 'completed', progress: 100, startedAt: job.music.startedAt ?? at, finishedAt: at };
  };
}

// --- keyframes (anchored chains) ---------------------------------------------------------------

export function keyframesStarted(at = now()): JobMutation {
  return (job) => {
    const keyframes = job.keyframes;
    if (!keyframes || keyframes.status === 'completed' || !canMovePart(keyframes.status, 'running')) return false;
    keyframes.status = 'running';
    keyframes.startedAt ??= at;
  };
}

/** One more boundary keyframe is stored. */
export function keyframeMade(): JobMutation {
  return (job) => {
    const keyframes = job.keyframes;
    if (!keyframes || keyframes.done >= keyframes.count) return false;
    keyframes.done += 1;
  };
}

export function keyframesCompleted(at = now()): JobMutation {
  return (job) => {
    const keyframes = job.keyframes;
    if (!keyframes || !canMovePart(keyframes.status, 'completed')) return false;
    keyframes.status = 'completed';
    keyframes.done = keyframes.count;
    keyframes.finishedAt = at;
  };
}
