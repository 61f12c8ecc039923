import { CONTINUITY_MODEL_INPUTS, CONTINUITY_MODEL_OUTPUT } from '@app/inference';
import { attr, OnnxGraphBuilder } from './onnx-graph.builder';

/**
 * The continuity model the project builds itself: how well clip B's first frame continues scene
 * A's last frame.
 *
 * Signature: inputs `frame_a`, `frame_b` float32 [1,3,H,W] RGB in [0,1] (H, W symbolic, the same
 * for both); output `score` float32 [1] in [0,1], symmetric in a and b.
 *
 * score = max(0, mean SSIM of luma) * max(0, 1 - chromaWeight * mean |local chroma a - local chroma b|)
 *
 * - Luma SSIM (Wang et al. 2004) with uniform `window`-sized local statistics (the 7x7 uniform
 *   window scikit-image uses by default) and the paper's constants C1 = (0.01)^2, C2 = (0.03)^2
 *   for a dynamic range of 1. It sees structure and brightness, not colour.
 * - The colour term catches what luma misses: a hue shift that keeps Y. It compares the local
 *   means of Cb and Cr (BT.601) over the same windows, so a recoloured region counts even when the
 *   frame's overall average colour does not move. Local means average noise and compression
 *   error away, so a faithful re-encode keeps the term near 1; weight 2 takes it to 0 when the
 *   chroma is off by 0.5 on average (the full chroma range is 1), e.g. red against blue.
 */
export interface ContinuityModelOptions {
  /** Side of the square averaging window, in pixels of the model input. */
  window?: number;
  /** Window step; 1 evaluates every window position. */
  stride?: number;
  chromaWeight?: number;
}

// Y, Cb, Cr rows of BT.601 full-range RGB -> YCbCr, without offsets: only differences of Cb and Cr are used.
const RGB_TO_YCBCR = [0.299, 0.587, 0.114, -0.168736, -0.331264, 0.5, 0.5, -0.418688, -0.081312];
const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

export function buildContinuityModel(options: ContinuityModelOptions = {}): Uint8Array {
  const { window = 7, stride = 1, chromaWeight = 2 } = options;
  const g = new OnnxGraphBuilder('reelsmith_continuity');
  const [a, b] = CONTINUITY_MODEL_INPUTS.map((name) => g.input(name, [1, 3, 'H', 'W']));

  const toYcc = g.constant('rgb_to_ycbcr', RGB_TO_YCBCR, { dims: [3, 3, 1, 1] });
  const lumaChromaSplit = g.constant('split_y_cbcr', [1, 2], { type: 'int64' });
  const yccOf = (frame: string, tag: string) =>
    g.node('Split', [g.op('Conv', [frame, toYcc]), lumaChromaSplit], [`y_${tag}`, `cbcr_${tag}`], {
      axis: attr.int(1),
    });
  const [ya, cbcrA] = yccOf(a, 'a');
  const [yb, cbcrB] = yccOf(b, 'b');

  // Every local mean comes from one pooling over the channels stacked side by side.
  const stacked = g.op(
    'Concat',
    [ya, yb, g.op('Mul', [ya, ya]), g.op('Mul', [yb, yb]), g.op('Mul', [ya, yb]), cbcrA, cbcrB],
    { axis: attr.int(1) },
  );
  const pooled = g.op('AveragePool', [stacked], {
    kernel_shape: attr.ints([window, window]),
    strides: attr.ints([stride, stride]),
  });
  const statsSplit = g.constant('split_stats', [1, 1, 1, 1, 1, 2, 2], { type: 'int64' });
  const [muA, muB, eAA, eBB, eAB, meanCbcrA, meanCbcrB] = g.node(
    'Split',
    [pooled, statsSplit],
    ['mu_a', 'mu_b', 'e_aa', 'e_bb', 'e_ab', 'mean_cbcr_a', 'mean_cbcr_b'],
    { axis: attr.int(1) },
  );

  const two = g.constant('two', [2], { dims: [] });
  const one = g.constant('one', [1], { dims: [] });
  const c1 = g.constant('c1', [C1], { dims: [] });
  const c2 = g.constant('c2', [C2], { dims: [] });
  const muAB = g.op('Mul', [muA, muB]);
  const muAA = g.op('Mul', [muA, muA]);
  const muBB = g.op('Mul', [muB, muB]);
  const covariance = g.op('Sub', [eAB, muAB]);
  const variances = g.op('Add', [g.op('Sub', [eAA, muAA]), g.op('Sub', [eBB, muBB])]);
  const numerator = g.op('Mul', [
    g.op('Add', [g.op('Mul', [two, muAB]), c1]),
    g.op('Add', [g.op('Mul', [two, covariance]), c2]),
  ]);
  const denominator = g.op('Mul', [g.op('Add', [g.op('Add', [muAA, muBB]), c1]), g.op('Add', [variances, c2])]);
  const meanOverMap = { axes: attr.ints([1, 2, 3]), keepdims: attr.int(0) };
  const ssim = g.op('ReduceMean', [g.op('Div', [numerator, denominator])], meanOverMap);

  const chromaDiff = g.op('ReduceMean', [g.op('Abs', [g.op('Sub', [meanCbcrA, meanCbcrB])])], meanOverMap);
  const weight = g.constant('chroma_weight', [chromaWeight], { dims: [] });
  const colour = g.op('Relu', [g.op('Sub', [one, g.op('Mul', [weight, chromaDiff])])]);

  g.node('Mul', [g.op('Relu', [ssim]), colour], [CONTINUITY_MODEL_OUTPUT]);
  g.output(CONTINUITY_MODEL_OUTPUT, [1]);
  return g.toBytes();
}
