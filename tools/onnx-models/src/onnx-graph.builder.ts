import { ProtoWriter } from './proto-writer';

/**
 * Builds ONNX models in code, so the project ships the models it needs (continuity, flashing) as
 * source instead of binary files it cannot download. Field numbers are onnx/onnx `onnx.proto`'s.
 */

/** IR version 8 is the first that opset 17 may be paired with (onnx `docs/Versioning.md`). */
export const ONNX_IR_VERSION = 8;
/**
 * Opset 17: `ReduceMean`/`ReduceMax` still take `axes` as an attribute (an input from 18),
 * `ReduceSum` takes it as an input (since 13), `Split` takes sizes as an input and has no `num_outputs`.
 */
export const ONNX_OPSET = 17;
export const ONNX_PRODUCER = 'reelsmith';

/** A dimension: a fixed size or a symbolic name (`'h'`) the runtime binds per run. */
export type OnnxDim = number | string;

export type OnnxElementType = 'float32' | 'int64';

const ELEMENT_TYPE: Record<OnnxElementType, number> = { float32: 1, int64: 7 };

export type OnnxAttribute =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'ints'; value: readonly number[] };

/** JS numbers do not say float or int, and ONNX checks the attribute type, so each value is tagged. */
export const attr = {
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  int: (value: number): OnnxAttribute => ({ type: 'int', value }),
  string: (value: string): OnnxAttribute => ({ type: 'string', value }),
  floats: (value: readonly number[]): OnnxAttribute => ({ type: 'floats', value }),
  ints: (value: readonly number[]): OnnxAttribute => ({ type: 'ints', value }),
};

// AttributeProto.AttributeType
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

interface ValueInfo {
  name: string;
  type: OnnxElementType;
  shape: readonly OnnxDim[];
}

interface Initializer {
  name: string;
  type: OnnxElementType;
  dims: readonly number[];
  values: readonly number[] | Float32Array;
}

interface Node {
  name: string;
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Readonly<Record<string, OnnxAttribute>>;
}

function rawData(type: OnnxElementType, values: readonly number[] | Float32Array): Uint8Array {
  const size = type === 'float32' ? 4 : 8;
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  // raw_data is little-endian whatever the host (onnx.proto, TensorProto.raw_data).
  values.forEach((v, i) => {
    if (type === 'float32') view.setFloat32(i * 4, v, true);
    else view.setBigInt64(i * 8, BigInt(v), true);
  });
  return bytes;
}

function writeTensor(w: ProtoWriter, t: Initializer): void {
  w.ints(1, t.dims) // dims
    .int(2, ELEMENT_TYPE[t.type]) // data_type
    .string(8, t.name) // name
    .bytes(9, rawData(t.type, t.values)); // raw_data
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, ELEMENT_TYPE[v.type]).message(2, (shape) => {
        for (const dim of v.shape) {
          // Dimension: dim_value = 1, dim_param = 2
          shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
        }
      }),
    ),
  );
}

function writeAttribute(w: ProtoWriter, name: string, a: OnnxAttribute): void {
  w.string(1, name);
  switch (a.type) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'floats':
      w.floats(7, a.value);
      break;
    case 'ints':
      w.ints(8, a.value);
      break;
  }
  w.int(20, ATTRIBUTE_TYPE[a.type]);
}

function writeNode(w: ProtoWriter, n: Node): void {
  for (const input of n.inputs) w.string(1, input);
  for (const output of n.outputs) w.string(2, output);
  w.string(3, n.name).string(4, n.opType);
  for (const [name, a] of Object.entries(n.attributes)) w.message(5, (m) => writeAttribute(m, name, a));
}

/**
 * One graph, built front to back: every node input must already exist (a graph input, a constant
 * or an earlier node's output), which is the topological order ONNX requires and catches typos here
 * rather than as a runtime load error.
 */
export class OnnxGraphBuilder {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly nodes: Node[] = [];
  private readonly defined = new Set<string>();

  constructor(readonly name: string) {}

  private define(name: string): string {
    if (!name) throw new RangeError('an ONNX value needs a name');
    if (this.defined.has(name)) throw new RangeError(`ONNX value ${JSON.stringify(name)} is defined twice`);
    this.defined.add(name);
    return name;
  }

  input(name: string, shape: readonly OnnxDim[], type: OnnxElementType = 'float32'): string {
    this.inputs.push({ name: this.define(name), type, shape });
    return name;
  }

  /** A weight or constant (an initializer). `dims` defaults to a vector; `[]` makes a scalar. */
  constant(
    name: string,
    values: readonly number[] | Float32Array,
    options: { dims?: readonly number[]; type?: OnnxElementType } = {},
  ): string {
    const dims = options.dims ?? [values.length];
    const count = dims.reduce((n, d) => n * d, 1);
    if (count !== values.length) throw new RangeError(`${name}: dims ${dims.join('x')} need ${count} values`);
    this.initializers.push({ name: this.define(name), type: options.type ?? 'float32', dims, values });
    return name;
  }

  /** A node with named outputs; returns them. An empty input name skips an optional input. */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Readonly<Record<string, OnnxAttribute>> = {},
  ): string[] {
    for (const input of inputs) {
      if (input && !this.defined.has(input)) {
        throw new RangeError(`${opType}: input ${JSON.stringify(input)} is not defined yet`);
      }
    }
    outputs.forEach((output) => this.define(output));
    this.nodes.push({ name: `${opType}_${this.nodes.length}`, opType, inputs, outputs, attributes });
    return [...outputs];
  }

  /** A single-output node whose output gets a fresh name; returns it. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, OnnxAttribute>> = {}): string {
    return this.node(opType, inputs, [`${opType.toLowerCase()}_${this.nodes.length}`], attributes)[0];
  }

  /** Declares an existing value as a graph output. */
  output(name: string, shape: readonly OnnxDim[], type: OnnxElementType = 'float32'): string {
    if (!this.defined.has(name)) throw new RangeError(`output ${JSON.stringify(name)} is not defined`);
    this.outputs.push({ name, type, shape });
    return name;
  }

  /** The serialized ModelProto, ready for `InferenceSession.create(bytes)` or a `.onnx` file. */
  toBytes(): Uint8Array {
    if (!this.outputs.length) throw new RangeError(`graph ${this.name} has no outputs`);
    return new ProtoWriter()
      .int(1, ONNX_IR_VERSION) // ir_version
      .string(2, ONNX_PRODUCER) // producer_name
      .message(7, (g) => {
        // GraphProto
        for (const n of this.nodes) g.message(1, (m) => writeNode(m, n));
        g.string(2, this.name);
        for (const t of this.initializers) g.message(5, (m) => writeTensor(m, t));
        for (const v of this.inputs) g.message(11, (m) => writeValueInfo(m, v));
        for (const v of this.outputs) g.message(12, (m) => writeValueInfo(m, v));
      })
      .message(8, (o) => o.string(1, '').int(2, ONNX_OPSET)) // opset_import: the default domain
      .finish();
  }
}
