import { AppError, isOutOfMemoryMessage } from '@app/domain';
import { metrics } from '@app/observability';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Tensor } from 'onnxruntime-node';
import { CONTINUITY_MODEL_OUTPUT, DEFAULT_CONTINUITY_MODEL } from './built-in-models';
import { type FrameSize } from './frame-tensor.builder';
import { type FrameTensor, FrameTensorReader } from './frame-tensor';
import { Errors } from '@app/domain';
import { type OnnxModelSource, OnnxRuntime } from './onnx-runtime.service';

export interface ContinuityScorerOptions {
  /** Any model with the continuity signature (`frame_a`, `frame_b` -> `score`); default the built one. */
  model?: OnnxModelSource;
  /** The size both frames are scaled to; default 64x64. */
  size?: FrameSize;
  /** GPU ordinal, or null (the default) for the CPU. */
  device?: number | null;
}

/** Nest token for `ContinuityScorerOptions`; every field has a default. */
export const CONTINUITY_SCORER_OPTIONS = 'CONTINUITY_SCORER_OPTIONS';

/**
 * 64x64 keeps the layout, the large shapes and the colours that make a cut visible and is cheap
 * everywhere; decoding the full-size frames costs far more than the model at this size.
 */
export const DEFAULT_CONTINUITY_SIZE: FrameSize = { width: 64, height: 64 };

/** Scores how well a clip continues the scene before it, in [0,1] for the default model. */
@Injectable()
export class ContinuityScorer {
  private readonly model: OnnxModelSource;
  private readonly size: FrameSize;
  private readonly device: number | null;

  constructor(
    private readonly runtime: OnnxRuntime,
    private readonly frames: FrameTensorReader,
    @Optional() @Inject(CONTINUITY_SCORER_OPTIONS) options: ContinuityScorerOptions = {},
  ) {
    this.model = options.model ?? DEFAULT_CONTINUITY_MODEL;
    this.size = options.size ?? DEFAULT_CONTINUITY_SIZE;
    this.device = options.device ?? null;
  }

  /** Scene A's last frame (the seed PNG) against clip B's first frame. */
  async score(
    previousLastFramePng: string,
    nextClipPath: string,
    workDir: string,
    signal?: AbortSignal,
  ): Promise<number> {
    const [a, b] = await Promise.all([
      this.frames.firstFrame(previousLastFramePng, this.size, workDir, signal),
      this.frames.firstFrame(nextClipPath, this.size, workDir, signal),
    ]);
    return this.compare(a, b);
  }

  /** Two single-frame tensors of the same size. */
  async compare(a: FrameTensor, b: FrameTensor): Promise<number> {
    const session = await this.runtime.session(this.model, this.device);
    const results = await session
      .run({
        frame_a: new Tensor('float32', a.data, a.dims),
        frame_b: new Tensor('float32', b.data, b.dims),
      })
      .catch((error: unknown) => {
        // onnxruntime's allocation failures (BFCArena, "Failed to allocate memory") mean the device is
        // full, not that the model is wrong: retryable, counted like a provider's OOM.
        const message = error instanceof Error ? error.message : String(error);
        if (!isOutOfMemoryMessage(message)) throw error;
        metrics.outOfMemory.inc({ provider: 'onnxruntime', model: this.model.key });
        throw new AppError(Errors.providerOutOfMemory, `onnxruntime ran out of memory: ${message}`, {
          cause: error,
          details: { provider: 'onnxruntime', model: this.model.key },
        });
      });
    const score = results[CONTINUITY_MODEL_OUTPUT]?.data[0];
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      throw new AppError(
        Errors.inferenceFailed,
        `continuity model ${this.model.key} gave no finite "${CONTINUITY_MODEL_OUTPUT}" (outputs: ${session.outputNames.join(', ')})`,
      );
    }
    return score;
  }
}
