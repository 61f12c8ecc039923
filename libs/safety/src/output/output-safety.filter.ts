import { AppError, Errors } from '@app/domain';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Tensor } from 'onnxruntime-node';
import {
  FLASH_LABELS,
  FLASH_MODEL_INPUT,
  flashModel,
  type FrameSampling,
  FrameTensorReader,
  type OnnxModelSource,
  OnnxRuntime,
} from '@app/inference';
import { assertSafetyRule, decideSafety, type SafetyRule, type OutputVerdict } from './output-verdict';

/**
 * Any image classifier can be the safety model when it keeps this contract: input `frames` float32
 * [N,3,S,S] RGB in [0,1] (normalisation, if it needs any, inside the graph); first output float32
 * [N,K] class probabilities, K = `labels.length`. All sampled frames go in one batch, which a
 * model that looks across frames (the flashing model) needs.
 */
export interface OutputSafetyConfig extends SafetyRule {
  model: OnnxModelSource;
  sampling: FrameSampling;
  /** Side of the square the frames are scaled to (aspect ratio is not kept). */
  size: number;
  /** GPU ordinal, or null for the CPU. */
  device?: number | null;
}

/** Every safety model takes its frames under the name the built-in flashing model uses. */
export const SAFETY_MODEL_INPUT = FLASH_MODEL_INPUT;

/** Nest token for `OutputSafetyConfig`; without it the filter checks for flashing. */
export const OUTPUT_SAFETY_CONFIG = 'OUTPUT_SAFETY_CONFIG';

/**
 * The default: the built-in flashing model (tools/onnx-models `buildFlashModel`) over every frame at up to 30 fps, 32x32
 * (a mean luminance needs no detail), blocking more than 6 paired transitions — 3 flashes — a second.
 */
export function flashSafetyConfig(options: { sampleFps?: number } = {}): OutputSafetyConfig {
  const sampleFps = options.sampleFps ?? 30;
  return {
    model: flashModel(sampleFps),
    labels: [...FLASH_LABELS],
    blockLabels: ['flash'],
    threshold: 0.5,
    burst: { frames: 6, windowSec: 1 },
    sampling: { fps: sampleFps },
    size: 32,
  };
}

/** Runs the configured classifier over frames sampled from a generated clip, before anyone sees it. */
@Injectable()
export class OutputSafetyFilter {
  private readonly config: OutputSafetyConfig;

  constructor(
    private readonly runtime: OnnxRuntime,
    private readonly frames: FrameTensorReader,
    @Optional() @Inject(OUTPUT_SAFETY_CONFIG) config?: OutputSafetyConfig,
  ) {
    this.config = config ?? flashSafetyConfig();
    assertSafetyRule(this.config);
    if (!(Number.isInteger(this.config.size) && this.config.size > 0)) {
      throw new RangeError(`not a frame size: ${this.config.size}`);
    }
  }

  async check(clipPath: string, workDir: string, signal?: AbortSignal): Promise<OutputVerdict> {
    const { model, sampling, size, device = null, labels } = this.config;
    const [session, frames] = await Promise.all([
      this.runtime.session(model, device),
      this.frames.sampledFrames(clipPath, { width: size, height: size }, sampling, workDir, signal),
    ]);
    const results = await session.run({ [SAFETY_MODEL_INPUT]: new Tensor('float32', frames.data, frames.dims) });
    const output = results[session.outputNames[0]];
    const [n, k] = output.dims;
    if (output.type !== 'float32' || output.dims.length !== 2 || n !== frames.dims[0] || k !== labels.length) {
      throw new AppError(
        Errors.inferenceFailed,
        `safety model ${model.key} returned ${output.type} [${output.dims.join(',')}], ` +
          `expected float32 [${frames.dims[0]},${labels.length}]`,
      );
    }
    return decideSafety(output.data as Float32Array, frames.timesSec, this.config);
  }

  /**
   * `check`, throwing `SAFETY.OUTPUT_BLOCKED` (not retryable: the same clip fails the same way) when
   * blocked. The message names the label, score and time only; prompts never reach it.
   */
  async assertAllowed(clipPath: string, workDir: string, signal?: AbortSignal): Promise<OutputVerdict> {
    const verdict = await this.check(clipPath, workDir, signal);
    if (verdict.blocked) {
      const at = verdict.atSec === undefined ? '' : ` at ${verdict.atSec.toFixed(2)}s`;
      throw new AppError(
        Errors.outputBlocked,
        `output blocked by the safety check: "${verdict.label}" scored ${verdict.score.toFixed(2)}${at}`,
        { details: { ...verdict } },
      );
    }
    return verdict;
  }
}
