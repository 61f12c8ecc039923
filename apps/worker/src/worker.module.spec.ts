import { loadConfig } from '@app/config';
import { QueueName } from '@app/pipeline';
import { ComposeProcessor } from './processors/compose.processor';
import { SceneProcessor } from './processors/scene.processor';
import { assertCatalogCovered, PROCESSORS } from './worker-bootstrap.service';
import { WorkerModule } from './worker.module';

describe(WorkerModule.name, () => {
  it('instantiates only the processors of WORKER_QUEUES, so tiers run as separate processes', () => {
    const scenes = WorkerModule.register(loadConfig({ WORKER_QUEUES: 'scene' })).providers;
    expect(scenes).toContain(SceneProcessor);
    expect(scenes).not.toContain(ComposeProcessor);
    const cpu = WorkerModule.register(loadConfig({ WORKER_QUEUES: 'plan,music,compose' })).providers;
    expect(cpu).toContain(ComposeProcessor);
    expect(cpu).not.toContain(SceneProcessor);
  });

  it('has exactly one processor for every job name', () => {
    expect(() => assertCatalogCovered(PROCESSORS)).not.toThrow();
    const { [QueueName.Music]: _music, ...missing } = PROCESSORS;
    expect(() => assertCatalogCovered(missing)).toThrow(/"music" has 0 processors/);
  });
});
