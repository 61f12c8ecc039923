import { FLASH_LABELS, FLASH_MODEL_INPUT, FLASH_MODEL_OUTPUT } from '@app/inference';
import { attr, OnnxGraphBuilder } from './onnx-graph.builder';

/**
 * The output-safety model the project ships: photosensitivity (flashing), after the broadcast rule
 * of Ofcom's Guidance Note on flashing images and ITU-R BT.1702 — no more than three flashes in any
 * one second, a flash being a pair of opposing changes in luminance of 20 cd/m² or more where the
 * darker state is below 160 cd/m².
 *
 * Signature: input `frames` float32 [N,3,S,S], RGB in [0,1], N consecutive frames sampled at
 * `sampleFps`; output `probabilities` float32 [N,2] over the labels `FLASH_LABELS` (`ok`, `flash`).
 *
 * Per frame t, in the graph:
 * 1. L(t): the frame's mean relative luminance in linear light (sRGB decoded with gamma 2.2,
 *    BT.709 weights), 1 being peak white. Against a 200 cd/m² display white (BT.1702's reference),
 *    20 cd/m² is a change of 0.1 and 160 cd/m² is 0.8.
 * 2. d(t) = L(t) - L(t-1), the transition into frame t (0 for the first frame), counted only when
 *    the darker of the two frames is below `maxDarkerState`.
 * 3. strength(t) = min(|d(t)|, the largest opposite-signed transition within ±`pairWindowSec`):
 *    the frame carries one half of a flash when both halves reach `minChange`. Looking over a window,
 *    not only at the next frame, keeps a flash whose bright state lasts several frames, and repeated
 *    or dropped frames from the sampling, a flash.
 * 4. p(flash) = sigmoid(`steepness` * (strength - minChange)): 0.5 exactly at the threshold change.
 *
 * What stays out of the graph, in `decideSafety` with `burst: { frames: 6, windowSec: 1 }`: the
 * rate. Each flagged frame is one transition that belongs to a flash, so more than six of them in
 * any one second is more than three flashes. Counting over a sliding window needs the frame times,
 * which the graph does not have.
 *
 * Known simplification: the rule's area condition (a flash counts when it covers a quarter of the
 * screen) is approximated by the whole-frame mean, under which a flash over a fraction of the
 * screen counts as that fraction of its change; the separate red-flash rule is not modelled; frames
 * the sampling drops (a 60 fps source read at 30) are not seen.
 */
export interface FlashModelOptions {
  /** The rate the frames are sampled at; it turns `pairWindowSec` into frames. */
  sampleFps: number;
  pairWindowSec?: number;
  minChange?: number;
  maxDarkerState?: number;
  steepness?: number;
}

const GAMMA = 2.2;
// BT.709 / sRGB relative luminance of linear R, G, B.
const LUMINANCE = [0.2126, 0.7152, 0.0722];

export function buildFlashModel(options: FlashModelOptions): Uint8Array {
  const { sampleFps, pairWindowSec = 0.5, minChange = 0.1, maxDarkerState = 0.8, steepness = 50 } = options;
  if (!(sampleFps > 0)) throw new RangeError(`not a sampling rate: ${sampleFps}`);
  const reach = Math.max(1, Math.round(pairWindowSec * sampleFps));
  const g = new OnnxGraphBuilder('reelsmith_flash');
  const frames = g.input(FLASH_MODEL_INPUT, ['N', 3, 'S', 'S']);

  const scalar = (name: string, value: number) => g.constant(name, [value], { dims: [] });
  const ints = (name: string, values: number[]) => g.constant(name, values, { type: 'int64' });

  const linear = g.op('Pow', [frames, scalar('gamma', GAMMA)]);
  const luma = g.op('Conv', [linear, g.constant('luminance', LUMINANCE, { dims: [1, 3, 1, 1] })]);
  const mean = g.op('ReduceMean', [luma], { axes: attr.ints([1, 2, 3]), keepdims: attr.int(0) });
  // [1,1,N]: frames along the one spatial axis that MaxPool slides over.
  const series = g.op('Reshape', [mean, ints('series_shape', [1, 1, -1])]);

  const axis2 = ints('axis_2', [2]);
  const first = g.op('Slice', [series, ints('first_start', [0]), ints('first_end', [1]), axis2]);
  const allButLast = g.op('Slice', [series, ints('head_start', [0]), ints('head_end', [-1]), axis2]);
  const previous = g.op('Concat', [first, allButLast], { axis: attr.int(2) });

  const change = g.op('Sub', [series, previous]);
  const darker = g.op('Min', [series, previous]);
  const counts = g.op('Cast', [g.op('Less', [darker, scalar('max_darker_state', maxDarkerState)])], {
    to: attr.int(1),
  });
  const up = g.op('Mul', [g.op('Relu', [change]), counts]);
  const down = g.op('Mul', [g.op('Relu', [g.op('Neg', [change])]), counts]);
  const window = {
    kernel_shape: attr.ints([2 * reach + 1]),
    pads: attr.ints([reach, reach]),
    strides: attr.ints([1]),
  };
  const strength = g.op('Max', [
    g.op('Min', [up, g.op('MaxPool', [down], window)]),
    g.op('Min', [down, g.op('MaxPool', [up], window)]),
  ]);

  const flash = g.op('Sigmoid', [
    g.op('Mul', [g.op('Sub', [strength, scalar('min_change', minChange)]), scalar('steepness', steepness)]),
  ]);
  const flashColumn = g.op('Reshape', [flash, ints('column_shape', [-1, 1])]);
  const okColumn = g.op('Sub', [scalar('one', 1), flashColumn]);
  g.node('Concat', [okColumn, flashColumn], [FLASH_MODEL_OUTPUT], { axis: attr.int(1) });
  g.output(FLASH_MODEL_OUTPUT, ['N', FLASH_LABELS.length]);
  return g.toBytes();
}
