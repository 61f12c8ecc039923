import { InferenceSession, Tensor } from 'onnxruntime-node';
import { attr, OnnxGraphBuilder } from './onnx-graph.builder';

async function run(g: OnnxGraphBuilder, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await InferenceSession.create(g.toBytes());
  try {
    return (await session.run(feeds)) as Record<string, Tensor>;
  } finally {
    await session.release();
  }
}

const floats = (values: number[], dims: number[]) => new Tensor('float32', Float32Array.from(values), dims);

describe(OnnxGraphBuilder.name, () => {
  it('builds a model onnxruntime loads, with fixed and symbolic input dims', async () => {
    const g = new OnnxGraphBuilder('shapes');
    g.input('x', [1, 3, 'h', 'w']);
    g.node('Identity', ['x'], ['y']);
    g.output('y', [1, 3, 'h', 'w']);
    const session = await InferenceSession.create(g.toBytes());
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    expect(session.inputMetadata[0]).toMatchObject({
      name: 'x',
      isTensor: true,
      type: 'float32',
      shape: [1, 3, 'h', 'w'],
    });
    await session.release();
  });

  it('adds a float32 initializer with broadcasting', async () => {
    const g = new OnnxGraphBuilder('add');
    g.input('x', [2, 'n']);
    g.constant('bias', [10, 20], { dims: [2, 1] });
    g.node('Add', ['x', 'bias'], ['sum']);
    g.output('sum', [2, 'n']);
    const { sum } = await run(g, { x: floats([1, 2, 3, 4, 5, 6], [2, 3]) });
    expect([...(sum.data as Float32Array)]).toEqual([11, 12, 13, 24, 25, 26]);
    expect(sum.dims).toEqual([2, 3]);
  });

  it('passes ReduceMean its axes as an attribute (opset 17) and ReduceSum as an int64 input', async () => {
    const g = new OnnxGraphBuilder('reduce');
    const x = g.input('x', [2, 3]);
    g.node('ReduceMean', [x], ['mean'], { axes: attr.ints([1]), keepdims: attr.int(0) });
    g.node('ReduceSum', [x, g.constant('axes', [-1], { type: 'int64' })], ['sum'], { keepdims: attr.int(1) });
    g.output('mean', [2]);
    g.output('sum', [2, 1]);
    const { mean, sum } = await run(g, { x: floats([1, 2, 3, 4, 5, 9], [2, 3]) });
    expect([...(mean.data as Float32Array)]).toEqual([2, 6]);
    expect(mean.dims).toEqual([2]);
    expect([...(sum.data as Float32Array)]).toEqual([6, 18]);
    expect(sum.dims).toEqual([2, 1]);
  });

  it('encodes int, ints, float, floats and string attributes', async () => {
    const g = new OnnxGraphBuilder('attributes');
    const x = g.input('x', [1, 4]);
    g.node('Constant', [], ['f'], { value_float: attr.float(0.25) });
    g.node('Constant', [], ['fs'], { value_floats: attr.floats([1.5, -2]) });
    g.node('Constant', [], ['i'], { value_int: attr.int(-7) });
    g.node('Constant', [], ['is'], { value_ints: attr.ints([3, -1, 2 ** 40]) });
    const pads = g.constant('pads', [0, 1, 0, 1], { type: 'int64' });
    g.node('Pad', [x, pads], ['padded'], { mode: attr.string('edge') });
    for (const [name, dims] of [
      ['f', []],
      ['fs', [2]],
      ['i', []],
      ['is', [3]],
      ['padded', [1, 6]],
    ] as const) {
      g.output(name, dims, name === 'i' || name === 'is' ? 'int64' : 'float32');
    }
    const out = await run(g, { x: floats([1, 2, 3, 4], [1, 4]) });
    expect(out.f.data[0]).toBe(0.25);
    expect([...(out.fs.data as Float32Array)]).toEqual([1.5, -2]);
    expect(out.i.data[0]).toBe(-7n);
    expect([...(out.is.data as BigInt64Array)]).toEqual([3n, -1n, 2n ** 40n]);
    expect([...(out.padded.data as Float32Array)]).toEqual([1, 1, 2, 3, 4, 4]);
  });

  it('splits by an int64 sizes input and names each output', async () => {
    const g = new OnnxGraphBuilder('split');
    const x = g.input('x', [1, 3]);
    const [head, tail] = g.node('Split', [x, g.constant('sizes', [1, 2], { type: 'int64' })], ['head', 'tail'], {
      axis: attr.int(1),
    });
    g.output(head, [1, 1]);
    g.output(tail, [1, 2]);
    const out = await run(g, { x: floats([7, 8, 9], [1, 3]) });
    expect([...(out.head.data as Float32Array)]).toEqual([7]);
    expect([...(out.tail.data as Float32Array)]).toEqual([8, 9]);
  });

  it('names the outputs of op() uniquely and chains them', async () => {
    const g = new OnnxGraphBuilder('chain');
    const x = g.input('x', [3]);
    const two = g.constant('two', [2], { dims: [] });
    const doubled = g.op('Mul', [x, two]);
    const again = g.op('Mul', [doubled, two]);
    expect(doubled).not.toBe(again);
    g.output(again, [3]);
    const out = await run(g, { x: floats([1, -1, 0.5], [3]) });
    expect([...(out[again].data as Float32Array)]).toEqual([4, -4, 2]);
  });

  it('refuses inputs that are not defined yet, names defined twice and mismatched dims', () => {
    const g = new OnnxGraphBuilder('bad');
    g.input('x', [1]);
    expect(() => g.node('Add', ['x', 'y'], ['z'])).toThrow('Add: input "y" is not defined yet');
    expect(() => g.input('x', [1])).toThrow('defined twice');
    expect(() => g.constant('c', [1, 2, 3], { dims: [2, 2] })).toThrow('dims 2x2 need 4 values');
    expect(() => g.output('nope', [1])).toThrow('not defined');
    expect(() => g.toBytes()).toThrow('has no outputs');
  });
});
