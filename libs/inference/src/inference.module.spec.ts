import { Test } from '@nestjs/testing';
import { ContinuityScorer } from './continuity-scorer';
import { FrameTensorReader } from './frame-tensor';
import { InferenceModule } from './inference.module';
import { OnnxRuntime } from './onnx-runtime.service';
import { OutputSafetyFilter } from './output-safety.filter';
import { redFlagSafetyConfig } from './output-safety.testing';

describe(InferenceModule.name, () => {
  it('provides the services with defaults when given nothing', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [InferenceModule.register()] }).compile();
    for (const service of [OnnxRuntime, FrameTensorReader, ContinuityScorer, OutputSafetyFilter]) {
      expect(moduleRef.get(service)).toBeInstanceOf(service);
    }
    await moduleRef.close();
  });

  it('passes each part its options', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [InferenceModule.register({ safety: redFlagSafetyConfig({ blockLabels: ['unknown'] }) })],
    });
    await expect(moduleRef.compile()).rejects.toThrow('block labels not among the labels: unknown');
  });
});
