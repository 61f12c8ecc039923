import { join } from 'node:path';
import { onnxModelFile, type OnnxModelSource } from './onnx-runtime.service';

/**
 * The models the project ships, generated once by `npm run models` (tools/onnx-models) into
 * `libs/inference/models/` and loaded from there by path like any other model file. The build
 * copies the folder next to the compiled code, so the same relative path works from src and dist.
 */
export const BUILT_IN_MODELS_DIR = join(__dirname, '..', 'models');

/** The continuity model's contract: two frames in, one similarity out. */
export const CONTINUITY_MODEL_INPUTS = ['frame_a', 'frame_b'] as const;
export const CONTINUITY_MODEL_OUTPUT = 'score';
export const CONTINUITY_MODEL_FILE = 'continuity-ssim-7x7.onnx';

/** The flashing model's contract: consecutive frames in, per-frame probabilities over its labels out. */
export const FLASH_LABELS = ['ok', 'flash'] as const;
export const FLASH_MODEL_INPUT = 'frames';
export const FLASH_MODEL_OUTPUT = 'probabilities';
/**
 * The flashing model looks for the opposite half of a flash within half a second, a window counted
 * in frames, so each sampling rate has its own file. These are the rates shipped.
 */
export const FLASH_MODEL_RATES: readonly number[] = [10, 12, 15, 24, 25, 30, 50, 60];

export function flashModelFile(sampleFps: number): string {
  return `flash-bt1702-${sampleFps}fps.onnx`;
}

/** The built-in continuity model (mean luma SSIM over 7x7 windows times a chroma agreement term). */
export const DEFAULT_CONTINUITY_MODEL: OnnxModelSource = onnxModelFile(
  join(BUILT_IN_MODELS_DIR, CONTINUITY_MODEL_FILE),
  'reelsmith/continuity-ssim-7x7',
);

/** The built-in flashing model for frames sampled at `sampleFps`, one of `FLASH_MODEL_RATES`. */
export function flashModel(sampleFps: number): OnnxModelSource {
  if (!FLASH_MODEL_RATES.includes(sampleFps)) {
    throw new RangeError(
      `the built-in flashing model ships for ${FLASH_MODEL_RATES.join(', ')} fps, not ${sampleFps}; ` +
        'pick one of those or give the safety profile a model file by path',
    );
  }
  return onnxModelFile(join(BUILT_IN_MODELS_DIR, flashModelFile(sampleFps)), `reelsmith/flash-bt1702@${sampleFps}fps`);
}
