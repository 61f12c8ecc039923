import { TestEnvironment } from 'jest-environment-node';

/**
 * Test files that run onnxruntime name this environment in a docblock:
 * `@jest-environment ./libs/inference/src/onnx.jest-environment.ts` (the path is from the repo root).
 *
 * Why: jest runs each test file in a vm context with its own typed-array classes, but
 * onnxruntime-node's native binding creates output arrays with the main realm's, so
 * onnxruntime-common's `instanceof Float32Array` check rejects every output ("A float32 tensor's data
 * must be type of function Float32Array()"). Giving the test context the main realm's classes makes
 * the two agree. Production code runs in one realm and needs none of this.
 */
const SHARED_CLASSES = [
  'ArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

export default class OnnxTestEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    const context = this.global as unknown as Record<string, unknown>;
    for (const name of SHARED_CLASSES) context[name] = globalThis[name];
  }
}
