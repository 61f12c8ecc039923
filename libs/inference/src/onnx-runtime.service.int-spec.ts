import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { OnnxGraphBuilder } from '@tools/onnx-models';
import { type InferenceLogger, type OnnxModelSource, onnxModelFile, OnnxRuntime } from './onnx-runtime.service';

/** y = x + 1 over a vector. */
function plusOne(): Uint8Array {
  const g = new OnnxGraphBuilder('plus_one');
  g.input('x', ['n']);
  g.node('Add', ['x', g.constant('one', [1], { dims: [] })], ['y']);
  g.output('y', ['n']);
  return g.toBytes();
}

/** A model source that counts its loads. */
function counted(key: string): OnnxModelSource & { loads: number } {
  const source = {
    key,
    loads: 0,
    load: async () => {
      source.loads++;
      return plusOne();
    },
  };
  return source;
}

class RecordingLogger implements InferenceLogger {
  readonly lines: string[] = [];
  readonly warnings: string[] = [];
  log(message: string) {
    this.lines.push(message);
  }
  warn(message: string) {
    this.warnings.push(message);
  }
}

async function plusOneOf(session: Awaited<ReturnType<OnnxRuntime['session']>>, value: number) {
  const out = await session.run({ x: new Tensor('float32', Float32Array.of(value), [1]) });
  return out.y.data[0];
}

describe(OnnxRuntime.name, () => {
  const runtimes: OnnxRuntime[] = [];
  function runtime(executionProviders: string[]) {
    const logger = new RecordingLogger();
    const instance = new OnnxRuntime({ executionProviders, logger });
    runtimes.push(instance);
    return { runtime: instance, logger };
  }
  afterAll(() => Promise.all(runtimes.map((r) => r.onModuleDestroy())));

  it('loads a model once for concurrent callers and logs the load', async () => {
    const { runtime: ort, logger } = runtime(['cpu']);
    const model = counted('plus-one');
    const sessions = await Promise.all(Array.from({ length: 5 }, () => ort.session(model, null)));
    expect(model.loads).toBe(1);
    expect(new Set(sessions).size).toBe(1);
    expect(await plusOneOf(sessions[0], 41)).toBe(42);
    expect(await ort.session(model, null)).toBe(sessions[0]);
    expect(ort.loaded()).toEqual([
      {
        key: 'plus-one',
        device: null,
        executionProviders: ['cpu'],
        loadMs: expect.any(Number),
        loadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    expect(logger.lines).toEqual([expect.stringMatching(/^onnx plus-one loaded on device none with cpu in \d+ ms$/)]);
  });

  it('keeps one session per device', async () => {
    const { runtime: ort } = runtime(['cpu']);
    const model = counted('per-device');
    const [a, b] = await Promise.all([ort.session(model, 0), ort.session(model, 1)]);
    expect(a).not.toBe(b);
    expect(model.loads).toBe(2);
    expect(ort.loaded().map((m) => m.device)).toEqual([0, 1]);
  });

  // No CUDA libraries are installed here (onnxruntime lists cuda as not bundled), so asking for
  // cuda on a GPU exercises the real failure and the fallback.
  it('falls back to the cpu, and says so, when cuda cannot start', async () => {
    const { runtime: ort, logger } = runtime(['cuda', 'cpu']);
    const session = await ort.session(counted('needs-gpu'), 0);
    expect(await plusOneOf(session, 1)).toBe(2);
    expect(ort.loaded()[0]).toMatchObject({ key: 'needs-gpu', device: 0, executionProviders: ['cpu'] });
    expect(logger.warnings).toEqual([
      expect.stringMatching(/^onnx needs-gpu on device 0: cuda,cpu failed \(.+\); using cpu$/),
    ]);
  });

  it('asks for no GPU provider when there is no device', async () => {
    const { runtime: ort, logger } = runtime(['cuda', 'cpu']);
    await ort.session(counted('cpu-only'), null);
    expect(ort.loaded()[0].executionProviders).toEqual(['cpu']);
    expect(logger.warnings).toEqual([]);
  });

  it('loads a model from a file path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onnx runtime '));
    try {
      const path = join(dir, 'plus one.onnx');
      await writeFile(path, plusOne());
      const { runtime: ort } = runtime(['cpu']);
      const session = await ort.session(onnxModelFile(path), null);
      expect(await plusOneOf(session, 2)).toBe(3);
      expect(ort.loaded()[0].key).toBe(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not cache a failed load', async () => {
    const { runtime: ort } = runtime(['cpu']);
    let attempts = 0;
    const flaky: OnnxModelSource = {
      key: 'flaky',
      load: () => (++attempts === 1 ? Uint8Array.of(1, 2, 3) : plusOne()),
    };
    await expect(ort.session(flaky, null)).rejects.toThrow();
    expect(ort.loaded()).toEqual([]);
    expect(await plusOneOf(await ort.session(flaky, null), 0)).toBe(1);
    expect(attempts).toBe(2);
  });

  it('refuses an execution provider onnxruntime does not know, at construction', () => {
    expect(() => new OnnxRuntime({ executionProviders: ['gpu', 'cpu'] })).toThrow(
      'unknown onnxruntime execution providers: gpu',
    );
  });

  it('releases one device’s sessions and loads them again on demand', async () => {
    const { runtime: ort } = runtime(['cpu']);
    const model = counted('swapped');
    await Promise.all([ort.session(model, 0), ort.session(model, 1)]);
    await ort.release(0);
    expect(ort.loaded().map((m) => m.device)).toEqual([1]);
    expect(await plusOneOf(await ort.session(model, 0), 5)).toBe(6);
    expect(model.loads).toBe(3);
  });
});
