import { Inject, Injectable } from '@nestjs/common';
import { MODEL_REGISTRY, type ModelProfile, type ModelRegistry } from '@app/generation';
import { flashSafetyConfig, OutputSafetyFilter, type OutputSafetyConfig, type OutputVerdict } from '@app/safety';
import {
  ContinuityScorer,
  DEFAULT_CONTINUITY_MODEL,
  type FrameSize,
  FrameTensorReader,
  type LoadedModel,
  onnxModelFile,
  type OnnxModelSource,
  OnnxRuntime,
} from '@app/inference';

/** What the continuity model said about a clip's boundaries (null where the clip has none). */
export interface BoundaryScores {
  start: number | null;
  end: number | null;
}

/**
 * The in-process checks every generated clip passes, on the registry's `continuity_default` and
 * `safety_default` ONNX models (built in, or any file by path), run on the device of the slot
 * that made the clip. Sessions are loaded once per device by the shared OnnxRuntime.
 */
@Injectable()
export class SceneChecks {
  readonly continuity: ModelProfile;
  readonly safety: ModelProfile;
  private readonly continuityModel: OnnxModelSource;
  private readonly safetyConfig: Omit<OutputSafetyConfig, 'device'>;
  private readonly scorers = new Map<string, ContinuityScorer>();
  private readonly filters = new Map<string, OutputSafetyFilter>();

  constructor(
    private readonly runtime: OnnxRuntime,
    private readonly frames: FrameTensorReader,
    @Inject(MODEL_REGISTRY) registry: ModelRegistry,
  ) {
    this.continuity = registry.get('continuity_default');
    this.safety = registry.get('safety_default');
    this.continuityModel = this.continuity.path
      ? onnxModelFile(this.continuity.path, this.continuity.model)
      : DEFAULT_CONTINUITY_MODEL;
    this.safetyConfig = this.safety.path
      ? {
          model: onnxModelFile(this.safety.path, this.safety.model),
          labels: this.safety.labels ?? [],
          blockLabels: this.safety.blockLabels ?? [],
          threshold: this.safety.threshold ?? 0.5,
          sampling: { fps: this.safety.sampleFps ?? 1 },
          size: this.safety.inputSize ?? 224,
        }
      : builtInSafety(this.safety);
  }

  get continuityThreshold(): number {
    return this.continuity.threshold ?? 0.5;
  }

  /** Loads both models onto a device (once), so a slot's first clip does not pay for it. */
  async warm(device: string | null): Promise<void> {
    const ordinal = ordinalOf(device);
    await Promise.all([
      this.runtime.session(this.continuityModel, ordinal),
      this.runtime.session(this.safetyConfig.model, ordinal),
    ]);
  }

  loaded(): LoadedModel[] {
    return this.runtime.loaded();
  }

  /** The clip's first frame against the frame it had to start on, and its last against the one it had to end on. */
  async boundaries(
    clip: string,
    frames: { start: string | null; end: string | null },
    workDir: string,
    device: string | null,
    signal?: AbortSignal,
  ): Promise<BoundaryScores> {
    const scorer = this.scorerFor(device);
    const size = this.size();
    const [start, end] = await Promise.all([
      frames.start ? scorer.score(frames.start, clip, workDir, signal) : null,
      frames.end
        ? Promise.all([
            this.frames.lastFrame(clip, size, workDir, signal),
            this.frames.firstFrame(frames.end, size, workDir, signal),
          ]).then(([last, target]) => scorer.compare(last, target))
        : null,
    ]);
    return { start, end };
  }

  /** Throws SAFETY.OUTPUT_BLOCKED when the classifier blocks the clip. */
  assertSafe(clip: string, workDir: string, device: string | null, signal?: AbortSignal): Promise<OutputVerdict> {
    return this.filterFor(device).assertAllowed(clip, workDir, signal);
  }

  private size(): FrameSize {
    const side = this.continuity.inputSize ?? 64;
    return { width: side, height: side };
  }

  private scorerFor(device: string | null): ContinuityScorer {
    const key = String(device);
    let scorer = this.scorers.get(key);
    if (!scorer) {
      scorer = new ContinuityScorer(this.runtime, this.frames, {
        model: this.continuityModel,
        size: this.size(),
        device: ordinalOf(device),
      });
      this.scorers.set(key, scorer);
    }
    return scorer;
  }

  private filterFor(device: string | null): OutputSafetyFilter {
    const key = String(device);
    let filter = this.filters.get(key);
    if (!filter) {
      filter = new OutputSafetyFilter(this.runtime, this.frames, { ...this.safetyConfig, device: ordinalOf(device) });
      this.filters.set(key, filter);
    }
    return filter;
  }
}

function ordinalOf(device: string | null): number | null {
  return device === null ? null : Number(device);
}

/** The built-in flashing model, with the registry's threshold and input size where it sets them. */
function builtInSafety(profile: ModelProfile): Omit<OutputSafetyConfig, 'device'> {
  const flash = flashSafetyConfig({ sampleFps: profile.sampleFps });
  return { ...flash, threshold: profile.threshold ?? flash.threshold, size: profile.inputSize ?? flash.size };
}
