import { attr, OnnxGraphBuilder } from '@tools/onnx-models';
import { type OutputSafetyConfig } from '@app/safety';

export const RED_FLAG_LABELS = ['safe', 'flagged'] as const;

/**
 * A stand-in for a real image classifier, for tests: flags a frame whose mean red is above 0.6
 * (`flagged` is 0.5 exactly there). Same contract as any safety model: `frames` [N,3,S,S] RGB in
 * [0,1] in, `probabilities` [N,2] over `RED_FLAG_LABELS` out.
 */
export function buildRedFlagClassifier(): Uint8Array {
  const g = new OnnxGraphBuilder('red_flag_classifier');
  const frames = g.input('frames', ['N', 3, 'S', 'S']);
  const int64 = (name: string, values: number[]) => g.constant(name, values, { type: 'int64' });
  const red = g.op('Slice', [frames, int64('red_start', [0]), int64('red_end', [1]), int64('channel_axis', [1])]);
  const meanRed = g.op('ReduceMean', [red], { axes: attr.ints([2, 3]), keepdims: attr.int(0) }); // [N,1]
  const offset = g.op('Sub', [meanRed, g.constant('red_limit', [0.6], { dims: [] })]);
  const flagged = g.op('Sigmoid', [g.op('Mul', [offset, g.constant('steepness', [40], { dims: [] })])]);
  const safe = g.op('Sub', [g.constant('one', [1], { dims: [] }), flagged]);
  g.node('Concat', [safe, flagged], ['probabilities'], { axis: attr.int(1) });
  g.output('probabilities', ['N', RED_FLAG_LABELS.length]);
  return g.toBytes();
}

/** An output-safety config around `buildRedFlagClassifier`: 4 frames per clip at 16x16. */
export function redFlagSafetyConfig(overrides: Partial<OutputSafetyConfig> = {}): OutputSafetyConfig {
  return {
    model: { key: 'testing/red-flag', load: buildRedFlagClassifier },
    labels: [...RED_FLAG_LABELS],
    blockLabels: ['flagged'],
    threshold: 0.5,
    sampling: { frames: 4 },
    size: 16,
    ...overrides,
  };
}
