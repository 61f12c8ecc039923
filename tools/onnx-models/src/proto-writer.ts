/**
 * The protobuf wire format, just the parts an ONNX model needs: varints, fixed32 floats and
 * length-delimited fields. Written by hand so the lib can build models without a protobuf
 * dependency or generated code; field numbers live with the messages in `onnx-graph.builder.ts`.
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();

/** A varint of a 64-bit integer; negatives take ten bytes, as int64 two's complement does on the wire. */
export function encodeVarint(value: number | bigint): Uint8Array {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`not a safe integer: ${value}`);
  }
  let v = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    bytes.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Uint8Array.from(bytes);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Appends fields in call order; `finish()` returns the message bytes. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];

  private tag(field: number, wireType: number): void {
    this.chunks.push(encodeVarint(field * 8 + wireType));
  }

  /** int32, int64, uint64 and enum fields. */
  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.chunks.push(encodeVarint(value));
    return this;
  }

  /** A repeated integer field, one tag per element (proto2's unpacked default, which every reader accepts). */
  ints(field: number, values: readonly (number | bigint)[]): this {
    for (const value of values) this.int(field, value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.chunks.push(bytes);
    return this;
  }

  floats(field: number, values: readonly number[]): this {
    for (const value of values) this.float(field, value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.chunks.push(encodeVarint(value.length), value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  /** An embedded message; the sub-writer's bytes go in as one length-delimited field. */
  message(field: number, build: (writer: ProtoWriter) => void): this {
    const sub = new ProtoWriter();
    build(sub);
    return this.bytes(field, sub.finish());
  }

  finish(): Uint8Array {
    return concat(this.chunks);
  }
}
