import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import { InferenceSession, listSupportedBackends } from 'onnxruntime-node';

/** Where a model comes from: bytes built in code or read from storage, or an `.onnx` file path. */
export interface OnnxModelSource {
  /** Names the model in the session cache, logs and `loaded()`; one key, one model. */
  key: string;
  load(): Promise<Uint8Array | string> | Uint8Array | string;
}

/** Any ONNX file on disk, loaded by onnxruntime straight from its path. */
export function onnxModelFile(path: string, key = path): OnnxModelSource {
  return { key, load: () => path };
}

export interface InferenceLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface OnnxRuntimeOptions {
  /** Execution providers in order of preference, e.g. `['cuda', 'cpu']`. */
  executionProviders: string[];
  logger?: InferenceLogger;
}

/** Nest token for `OnnxRuntimeOptions`; without it the runtime uses the CPU only. */
export const ONNX_RUNTIME_OPTIONS = 'ONNX_RUNTIME_OPTIONS';

/** One loaded session, as a health endpoint reports it. */
export interface LoadedModel {
  key: string;
  device: number | null;
  executionProviders: string[];
  loadMs: number;
  loadedAt: string;
}

/** Every provider name onnxruntime defines; anything else in the config is a typo, refused at boot. */
const KNOWN_PROVIDERS = new Set([
  'cpu',
  'cuda',
  'tensorrt',
  'dml',
  'rocm',
  'migraphx',
  'openvino',
  'webgpu',
  'coreml',
  'nnapi',
  'qnn',
  'xnnpack',
  'wasm',
  'webgl',
  'webnn',
]);
/** Providers that run on a GPU; a session with no device (`null`) never asks for them. */
const GPU_PROVIDERS = new Set(['cuda', 'tensorrt', 'dml', 'rocm', 'migraphx', 'webgpu']);
/** Providers that take the GPU ordinal as `deviceId`. */
const DEVICE_ID_PROVIDERS = new Set(['cuda', 'tensorrt', 'dml']);

interface Entry {
  device: number | null;
  session: Promise<InferenceSession>;
  /** Set once the session has loaded. */
  info?: LoadedModel;
}

/**
 * Loads ONNX models into onnxruntime sessions, once per (model, device), and keeps them: a session
 * holds the optimised graph and, on a GPU, its memory, so building one per request would cost more
 * than most runs. Concurrent callers of a model that is still loading share that one load.
 */
@Injectable()
export class OnnxRuntime implements OnModuleDestroy {
  private readonly logger: InferenceLogger;
  private readonly executionProviders: string[];
  private readonly entries = new Map<string, Entry>();

  constructor(@Optional() @Inject(ONNX_RUNTIME_OPTIONS) options: OnnxRuntimeOptions = { executionProviders: ['cpu'] }) {
    this.logger = options.logger ?? new Logger(OnnxRuntime.name);
    this.executionProviders = options.executionProviders.map((name) => name.trim().toLowerCase());
    const unknown = this.executionProviders.filter((name) => !KNOWN_PROVIDERS.has(name));
    if (unknown.length) throw new RangeError(`unknown onnxruntime execution providers: ${unknown.join(', ')}`);
  }

  /** The session for `model` on GPU `device` (`null`: no GPU, CPU providers only). */
  async session(model: OnnxModelSource, device: number | null): Promise<InferenceSession> {
    const id = `${model.key}\u0000${device ?? 'none'}`;
    let entry = this.entries.get(id);
    if (!entry) {
      const created: Entry = {
        device,
        session: this.load(model, device).then(
          ({ session, info }) => {
            created.info = info;
            return session;
          },
          (error: unknown) => {
            // A failed load is not cached: the next caller tries again.
            if (this.entries.get(id) === created) this.entries.delete(id);
            throw error;
          },
        ),
      };
      entry = created;
      this.entries.set(id, created);
    }
    return entry.session;
  }

  /** Sessions that have finished loading, in the order they were first asked for. */
  loaded(): LoadedModel[] {
    return [...this.entries.values()].flatMap(({ info }) =>
      info ? [{ ...info, executionProviders: [...info.executionProviders] }] : [],
    );
  }

  /**
   * Drops every session on `device` and frees what it holds, e.g. when a GPU slot switches models.
   * A run still using one of them fails, so callers release a slot only once its work is done.
   */
  async release(device: number | null): Promise<void> {
    const dropped = [...this.entries].filter(([, entry]) => entry.device === device);
    for (const [id] of dropped) this.entries.delete(id);
    await Promise.all(
      dropped.map(async ([, entry]) => {
        const session = await entry.session.catch(() => null);
        await session?.release();
      }),
    );
  }

  async onModuleDestroy(): Promise<void> {
    const devices = new Set([...this.entries.values()].map((entry) => entry.device));
    for (const device of devices) await this.release(device);
  }

  /** The configured providers this build of onnxruntime has, GPU ones only when there is a device. */
  private providersFor(device: number | null): string[] {
    const available = new Set(listSupportedBackends().map((backend) => backend.name.toLowerCase()));
    const providers = this.executionProviders.filter(
      (name) => available.has(name) && (device !== null || !GPU_PROVIDERS.has(name)),
    );
    return providers.length ? providers : ['cpu'];
  }

  private async load(
    model: OnnxModelSource,
    device: number | null,
  ): Promise<{ session: InferenceSession; info: LoadedModel }> {
    const started = performance.now();
    const source = await model.load();
    let providers = this.providersFor(device);
    let session: InferenceSession;
    try {
      session = await create(source, providers, device);
    } catch (error) {
      if (providers.length === 1 && providers[0] === 'cpu') throw error;
      // A provider listed by onnxruntime may still be unusable: CUDA's libraries are not bundled and
      // a host may have no GPU at all. The CPU runs every model, only slower.
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        `onnx ${model.key} on device ${device ?? 'none'}: ${providers.join(',')} failed (${message.split('\n')[0]}); using cpu`,
      );
      providers = ['cpu'];
      session = await create(source, providers, device);
    }
    const loadMs = Math.round(performance.now() - started);
    const info: LoadedModel = {
      key: model.key,
      device,
      executionProviders: providers,
      loadMs,
      loadedAt: new Date().toISOString(),
    };
    this.logger.log(
      `onnx ${model.key} loaded on device ${device ?? 'none'} with ${providers.join(',')} in ${loadMs} ms`,
    );
    return { session, info };
  }
}

function create(source: Uint8Array | string, providers: string[], device: number | null): Promise<InferenceSession> {
  const executionProviders = providers.map((name) =>
    DEVICE_ID_PROVIDERS.has(name) && device !== null ? { name, deviceId: device } : name,
  );
  // Two overloads, one for a path and one for bytes: a union argument matches neither.
  return typeof source === 'string'
    ? InferenceSession.create(source, { executionProviders })
    : InferenceSession.create(source, { executionProviders });
}
