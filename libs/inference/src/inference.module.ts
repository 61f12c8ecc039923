import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { MediaModule } from '@app/media';
import { CONTINUITY_SCORER_OPTIONS, ContinuityScorer, type ContinuityScorerOptions } from './continuity-scorer';
import { FrameTensorReader } from './frame-tensor';
import { ONNX_RUNTIME_OPTIONS, OnnxRuntime, type OnnxRuntimeOptions } from './onnx-runtime.service';
import { OUTPUT_SAFETY_CONFIG, type OutputSafetyConfig, OutputSafetyFilter } from './output-safety.filter';

/** Each part is optional: the CPU, the built continuity model and the flashing check by default. */
export interface InferenceModuleOptions {
  runtime?: OnnxRuntimeOptions;
  continuity?: ContinuityScorerOptions;
  safety?: OutputSafetyConfig;
}

/** One `OnnxRuntime` per process, so every consumer shares its sessions (and its GPU memory). */
@Module({})
export class InferenceModule {
  static register(options: InferenceModuleOptions = {}): DynamicModule {
    const values: Provider[] = [];
    if (options.runtime) values.push({ provide: ONNX_RUNTIME_OPTIONS, useValue: options.runtime });
    if (options.continuity) values.push({ provide: CONTINUITY_SCORER_OPTIONS, useValue: options.continuity });
    if (options.safety) values.push({ provide: OUTPUT_SAFETY_CONFIG, useValue: options.safety });
    const services = [OnnxRuntime, FrameTensorReader, ContinuityScorer, OutputSafetyFilter];
    return { module: InferenceModule, imports: [MediaModule], providers: [...values, ...services], exports: services };
  }
}
