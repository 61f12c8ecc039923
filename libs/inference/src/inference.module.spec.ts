import { Test } from '@nestjs/testing';
import { FrameTensorReader } from './frame-tensor';
import { InferenceModule } from './inference.module';
import { OnnxRuntime } from './onnx-runtime.service';

describe(InferenceModule.name, () => {
  it('provides the runtime and the frame reader with defaults when given nothing', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [InferenceModule.register()] }).compile();
    for (const service of [OnnxRuntime, FrameTensorReader]) {
      expect(moduleRef.get(service)).toBeInstanceOf(service);
    }
    await moduleRef.close();
  });

  it('passes the runtime its options', async () => {
    const moduleRef = Test.createTestingModule({
      imports: [InferenceModule.register({ runtime: { executionProviders: ['cuda', 'not-a-provider'] } })],
    });
    await expect(moduleRef.compile()).rejects.toThrow('not-a-provider');
  });
});
