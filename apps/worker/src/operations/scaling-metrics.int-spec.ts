import { Queue, Worker } from 'bullmq';
import { type AppConfig, loadConfig } from '@app/config';
import { loadModelRegistry } from '@app/generation';
import {
  createRedisClient,
  QueueName,
  redisOptionsFromUrl,
  type RedisClient,
  SCALING_METRICS,
  sceneQueueName,
  WorkerStatusBoard,
} from '@app/pipeline';
import { deleteRedisPrefix, FakeCloudWatchServer, TEST_REDIS_URL } from '@app/testing';
import { ScalingMetrics } from './scaling-metrics.service';

const { namespace, backlogPerTask, backlogWithoutWorkers, profileDimension } = SCALING_METRICS;

/**
 * The scaling metrics from real queued jobs on real Redis and real worker statuses, sent by the
 * production CloudWatch client to a local server that speaks CloudWatch's wire protocol.
 */
describe(ScalingMetrics.name, () => {
  const prefix = `rs-scaling-${process.pid}-${Date.now()}`;
  const connection = redisOptionsFromUrl(TEST_REDIS_URL);
  let cloudwatch: FakeCloudWatchServer;
  let redis: RedisClient;
  let board: WorkerStatusBoard;
  const queues = new Map<string, Queue>();
  const started: ScalingMetrics[] = [];
  let holder: Worker;
  let release: () => void = () => undefined;

  const config = (env: NodeJS.ProcessEnv): AppConfig =>
    loadConfig({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, AWS_REGION: 'eu-west-1', ...env });
  const queue = (name: string) => {
    if (!queues.has(name)) queues.set(name, new Queue(name, { connection, prefix }));
    return queues.get(name)!;
  };
  const start = (env: NodeJS.ProcessEnv) => {
    const c = config(env);
    const service = new ScalingMetrics(c, loadModelRegistry(c), cloudwatch.url);
    started.push(service);
    service.onApplicationBootstrap();
    return service;
  };
  const worker = (id: string, queueNames: string[], ttlSec?: number) =>
    new WorkerStatusBoard(redis, prefix, ttlSec).publish({
      id,
      queues: queueNames,
      slots: [],
      models: [],
      modelLog: [],
      updatedAt: new Date().toISOString(),
    });
  const valuesOf = (from: number) =>
    Object.fromEntries(
      cloudwatch.datums
        .slice(from)
        .map((d) => [`${d.namespace}/${d.metricName}{${Object.entries(d.dimensions).join()}}`, d.value]),
    );

  beforeAll(async () => {
    cloudwatch = await FakeCloudWatchServer.start();
    redis = createRedisClient({ redisUrl: TEST_REDIS_URL, redisCluster: false });
    board = new WorkerStatusBoard(redis, prefix);
    // video_default: one scene running on a worker, three waiting, one delayed
    const scenes = queue(sceneQueueName('video_default'));
    for (let i = 0; i < 4; i++) await scenes.add('scene', { sceneIndex: i }, { jobId: `J.scene-${i}` });
    await scenes.add('scene', { sceneIndex: 4 }, { jobId: 'J.scene-4', delay: 60_000 });
    const held = new Promise<void>((resolve) => (release = resolve));
    holder = new Worker(scenes.name, () => held, { connection, prefix, concurrency: 1 });
    while ((await scenes.getActiveCount()) < 1) await new Promise((r) => setTimeout(r, 20));
    // video_long: two waiting; the keyframes queue (image_default): one waiting
    for (let i = 0; i < 2; i++) await queue(sceneQueueName('video_long')).add('scene', {}, { jobId: `K.scene-${i}` });
    await queue(QueueName.Keyframes).add('keyframes', {}, { jobId: 'K.keyframes' });
    // two live workers serve video_default; none serves video_long or image_default; one that
    // served video_long has died (its status outlived its TTL)
    await worker('gpu-a', [sceneQueueName('video_default')]);
    await worker('gpu-b', [sceneQueueName('video_default')]);
    await worker('gpu-dead', [sceneQueueName('video_long')], 1);
    await new Promise((r) => setTimeout(r, 1_100));
  });

  afterAll(async () => {
    await Promise.all(started.map((s) => s.onApplicationShutdown()));
    release();
    await holder?.close();
    await Promise.all([...queues.values()].map((q) => q.close()));
    await redis?.quit();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    await cloudwatch?.close();
  });

  it('publishes nothing without SCALING_METRICS_NAMESPACE', async () => {
    start({ WORKER_QUEUES: 'scene', WORKER_PROFILES: 'video_default' });
    await new Promise((r) => setTimeout(r, 300));
    expect(cloudwatch.requests).toEqual([]);
  });

  it("publishes a scene worker's profiles at once on boot: backlog over live workers, and the backlog without workers", async () => {
    expect((await board.list()).map((w) => w.id)).toEqual(['gpu-a', 'gpu-b']);
    const before = Date.now();
    start({
      WORKER_QUEUES: 'scene',
      WORKER_PROFILES: 'video_default,video_long',
      SCALING_METRICS_NAMESPACE: namespace,
    });
    await cloudwatch.requestsReceived(1);
    expect(cloudwatch.requests).toEqual([
      { target: 'GraniteServiceVersion20100801.PutMetricData', region: 'eu-west-1', problem: null },
    ]);
    expect(valuesOf(0)).toEqual({
      [`Reelsmith/${backlogPerTask}{${profileDimension},video_default}`]: 2.5, // (3 waiting + 1 delayed + 1 active) / 2
      [`Reelsmith/${backlogWithoutWorkers}{${profileDimension},video_default}`]: 0,
      [`Reelsmith/${backlogPerTask}{${profileDimension},video_long}`]: 2,
      [`Reelsmith/${backlogWithoutWorkers}{${profileDimension},video_long}`]: 2,
    });
    expect(cloudwatch.datums.map((d) => d.unit)).toEqual(['None', 'Count', 'None', 'Count']);
    for (const d of cloudwatch.datums) {
      expect(d.timestamp).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(d.timestamp).toBeLessThanOrEqual(Date.now());
    }
  });

  it('publishes every profile from a worker without the scene tier, which always runs; a throttled put is retried', async () => {
    const requests = cloudwatch.requests.length;
    cloudwatch.failNext = 1;
    const cpu = start({ WORKER_QUEUES: 'plan,music,compose', SCALING_METRICS_NAMESPACE: namespace });
    await cloudwatch.requestsReceived(requests + 2);
    expect(cloudwatch.requests.slice(requests).map((r) => r.problem)).toEqual(['try again', null]);
    const boot = cloudwatch.datums.length;
    const at = new Date('2026-12-06T12:00:00Z');
    const readings = await cpu.publish(at);
    expect(readings).toEqual([
      { profile: 'video_default', backlog: 5, workers: 2 },
      { profile: 'video_long', backlog: 2, workers: 0 },
      { profile: 'image_default', backlog: 1, workers: 0 },
    ]);
    expect(valuesOf(boot)).toEqual(valuesOf(boot - 6));
    expect(valuesOf(boot)).toEqual({
      [`Reelsmith/${backlogPerTask}{${profileDimension},video_default}`]: 2.5,
      [`Reelsmith/${backlogWithoutWorkers}{${profileDimension},video_default}`]: 0,
      [`Reelsmith/${backlogPerTask}{${profileDimension},video_long}`]: 2,
      [`Reelsmith/${backlogWithoutWorkers}{${profileDimension},video_long}`]: 2,
      [`Reelsmith/${backlogPerTask}{${profileDimension},image_default}`]: 1,
      [`Reelsmith/${backlogWithoutWorkers}{${profileDimension},image_default}`]: 1,
    });
    expect(cloudwatch.datums.slice(boot).map((d) => d.timestamp)).toEqual(Array(6).fill(at.getTime()));
  });

  it('follows the queue: a finished scene and a worker that left lower the values', async () => {
    const scene = start({
      WORKER_QUEUES: 'scene',
      WORKER_PROFILES: 'video_default',
      SCALING_METRICS_NAMESPACE: namespace,
    });
    await queue(sceneQueueName('video_default')).remove('J.scene-4');
    await board.remove('gpu-b');
    const readings = await scene.publish();
    expect(readings).toEqual([{ profile: 'video_default', backlog: 4, workers: 1 }]);
    expect(valuesOf(cloudwatch.datums.length - 2)).toEqual({
      [`Reelsmith/${backlogPerTask}{${profileDimension},video_default}`]: 4,
      [`Reelsmith/${backlogWithoutWorkers}{${profileDimension},video_default}`]: 0,
    });
  });
});
