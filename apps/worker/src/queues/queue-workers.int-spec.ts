import { type Job, Queue } from 'bullmq';
import { type AppConfig, ConfigError, loadConfig } from '@app/config';
import { loadModelRegistry } from '@app/generation';
import { JobName, QueueName, redisOptionsFromUrl, sceneQueueName } from '@app/pipeline';
import { deleteRedisPrefix, TEST_REDIS_URL } from '@app/testing';
import { SlotPool } from '../scene-tier/slot-pool';
import { QueueWorkers } from './queue-workers.service';
import { servedProfiles } from './served-queues';

/** Real BullMQ workers on real Redis; the steps they would run only record what reached them. */
describe(QueueWorkers.name, () => {
  const prefix = `rs-scene-workers-${process.pid}-${Date.now()}`;
  const connection = redisOptionsFromUrl(TEST_REDIS_URL);
  const taken: Array<{ queue: string; id: string }> = [];
  const running: QueueWorkers[] = [];
  const queues: Queue[] = [];

  const config = (env: NodeJS.ProcessEnv): AppConfig =>
    loadConfig({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, WORKER_QUEUES: 'scene', ...env });

  function workersFor(env: NodeJS.ProcessEnv): QueueWorkers {
    const c = config(env);
    const pool = new SlotPool(SlotPool.slotsFor(c.worker.gpuDevices, c.worker.concurrency), async () => undefined);
    const record = (job: Job) => {
      taken.push({ queue: job.queueName, id: job.id! });
      return Promise.resolve(undefined);
    };
    const workers = new QueueWorkers(c, loadModelRegistry(c), () => ({
      handlers: { [JobName.Scene]: { handle: record }, [JobName.Keyframes]: { handle: record } },
      slots: { pool, serve: () => undefined },
    }));
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
    await queue(QueueName.Keyframes).add('keyframes', {}, { jobId: 'J.keyframes' });
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
    const c = config({ GPU_DEVICES: '0,1,2,3' });
    expect(servedProfiles(c, loadModelRegistry(c)).sort()).toEqual(['image_default', 'video_default', 'video_long']);
  });

  it('refuses to boot on a profile it cannot serve, naming each', () => {
    const c = config({ WORKER_PROFILES: 'video_default,video_huge,music_default' });
    expect(() => servedProfiles(c, loadModelRegistry(c))).toThrow(ConfigError);
    expect(() => servedProfiles(c, loadModelRegistry(c))).toThrow(
      /no profile named video_huge[\s\S]*music_default is a music profile/,
    );
  });
});
