import { loadConfig } from '@app/config';
import { JobName } from '@app/pipeline';
import { assertCatalogCovered, type StepHandlers } from './queues/queue-workers.service';
import { STEPS } from './steps';
import { ComposeStep } from './steps/compose.step';
import { SceneStep } from './steps/scene.step';
import { WorkerModule } from './worker.module';

describe(WorkerModule.name, () => {
  it('instantiates only the steps of WORKER_QUEUES, so tiers run as separate processes', () => {
    const scenes = WorkerModule.register(loadConfig({ WORKER_QUEUES: 'scene' })).providers;
    expect(scenes).toContain(SceneStep);
    expect(scenes).not.toContain(ComposeStep);
    const cpu = WorkerModule.register(loadConfig({ WORKER_QUEUES: 'plan,music,compose' })).providers;
    expect(cpu).toContain(ComposeStep);
    expect(cpu).not.toContain(SceneStep);
  });

  it('has a step for every job name of the tiers a worker serves', () => {
    const all = { ...STEPS } as unknown as StepHandlers;
    expect(() => assertCatalogCovered(all, ['plan', 'scene', 'music', 'compose'])).not.toThrow();
    const { [JobName.Music]: _music, ...missing } = all;
    expect(() => assertCatalogCovered(missing, ['plan', 'scene', 'music', 'compose'])).toThrow(/no step for music/);
    expect(() => assertCatalogCovered(missing, ['plan', 'scene', 'compose'])).not.toThrow();
  });
});
