import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { MediaModule } from '@app/media';
import { FrameTensorReader } from './frame-tensor';
import { ONNX_RUNTIME_OPTIONS, OnnxRuntime, type OnnxRuntimeOptions } from './onnx-runtime.service';

/** One `OnnxRuntime` per process, so every consumer shares its sessions (and its GPU memory). */
@Module({})
export class InferenceModule {
  /** Without options the runtime uses the CPU only. */
  static register(options: { runtime?: OnnxRuntimeOptions } = {}): DynamicModule {
    const values: Provider[] = options.runtime ? [{ provide: ONNX_RUNTIME_OPTIONS, useValue: options.runtime }] : [];
    const services = [OnnxRuntime, FrameTensorReader];
    return { module: InferenceModule, imports: [MediaModule], providers: [...values, ...services], exports: services };
  }
}
