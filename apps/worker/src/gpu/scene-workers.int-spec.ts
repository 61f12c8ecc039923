import { type Job, Queue } from 'bullmq';
import { type AppConfig, ConfigError, loadConfig } from '@app/config';
import { loadModelRegistry } from '@app/generation';
import { KEYFRAMES_QUEUE, redisOptionsFromUrl, sceneQueueName } from '@app/pipeline';
import { deleteRedisPrefix, TEST_REDIS_URL } from '@app/testing';
import { type KeyframesProcessor } from '../processors/keyframes.processor';
import { type SceneProcessor } from '../processors/scene.processor';
import { GpuSlotPool } from './gpu-slot-pool';
import { type GpuSlots } from './gpu-slots.service';
import { SceneWorkers } from './scene-workers.service';

/** Real BullMQ workers on real Redis; the steps they would run only record what reached them. */
describe(SceneWorkers.name, () => {
  const prefix = `rs-scene-workers-${process.pid}-${Date.now()}`;
  const connection = redisOptionsFromUrl(TEST_REDIS_URL);
  const taken: Array<{ queue: string; id: string }> = [];
  const running: SceneWorkers[] = [];
  const queues: Queue[] = [];

  const config = (env: NodeJS.ProcessEnv): AppConfig =>
    loadConfig({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, WORKER_QUEUES: 'scene', ...env });

  function workersFor(env: NodeJS.ProcessEnv): SceneWorkers {
    const c = config(env);
    const pool = new GpuSlotPool(
      GpuSlotPool.slotsFor(c.worker.gpuDevices, c.worker.concurrency),
      async () => undefined,
    );
    const slots = { pool, serve: () => undefined } as unknown as GpuSlots;
    const record = (job: Job) => {
      taken.push({ queue: job.queueName, id: job.id! });
      return Promise.resolve(undefined);
    };
    const workers = new SceneWorkers(
      c,
      loadModelRegistry(c),
      slots,
      { process: record } as unknown as SceneProcessor,
      { process: record } as unknown as KeyframesProcessor,
    );
    running.push(workers);
    return workers;
  }

  const queue = (name: string) => {
    const q = new Queue(name, { connection, prefix });
    queues.push(q);
    return q;
  };

  afterAll(async () => {
    await Promise.all(running.map((w) => w.onApplicationShutdown()));
    await Promise.all(queues.map((q) => q.close()));
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  it('a worker serving only video_default never takes a video_long scene; one serving video_long does', async () => {
    const started = workersFor({ WORKER_PROFILES: 'video_default', GPU_DEVICES: '0,1' }).start();
    expect(started).toEqual([sceneQueueName('video_default')]);

    await queue(sceneQueueName('video_long')).add('scene', { sceneIndex: 1 }, { jobId: 'J.scene-1' });
    await queue(sceneQueueName('video_default')).add('scene', { sceneIndex: 0 }, { jobId: 'J.scene-0' });
    await queue(KEYFRAMES_QUEUE).add('keyframes', {}, { jobId: 'J.keyframes' });
    const deadline = Date.now() + 10_000;
    while (!taken.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1_500)); // time enough to take anything else it would take
    expect(taken).toEqual([{ queue: 'scene.video_default', id: 'J.scene-0' }]);
    expect(await (await queue(sceneQueueName('video_long')).getJob('J.scene-1'))!.getState()).toBe('waiting');

    workersFor({ WORKER_PROFILES: 'video_long,image_default' }).start();
    while (taken.length < 3 && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(
      taken
        .slice(1)
        .map((t) => t.queue)
        .sort(),
    ).toEqual(['keyframes', 'scene.video_long']);
  });

  it('serves every video profile and the keyframes queue by default, one job per slot per profile', () => {
    const workers = workersFor({ GPU_DEVICES: '0,1,2,3' });
    expect(workers.servedProfiles().sort()).toEqual(['image_default', 'video_default', 'video_long']);
  });

  it('refuses to boot on a profile it cannot serve, naming each', () => {
    const workers = workersFor({ WORKER_PROFILES: 'video_default,video_huge,music_default' });
    expect(() => workers.servedProfiles()).toThrow(ConfigError);
    expect(() => workers.servedProfiles()).toThrow(
      /no profile named video_huge[\s\S]*music_default is a music profile/,
    );
  });
});
