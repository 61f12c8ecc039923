import { FlowProducer, type Job, Queue, Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import { loadConfig } from '@app/config';
import { type RedisCluster, startRedisCluster } from '@app/testing';
import { bullConnectionOf, createRedisClient, type RedisClient } from './redis-connection';
import { QueueSet } from './queue-set';
import { WorkerStatusBoard } from './worker-status.board';

/**
 * REDIS_CLUSTER=true on a real 3-node Redis Cluster: with a hash-tagged prefix every key Reelsmith
 * and BullMQ write hashes to one slot, so flows (a parent in one queue, children in others) work.
 */
describe('Redis Cluster (REDIS_CLUSTER=true, QUEUE_PREFIX={tag})', () => {
  let cluster: RedisCluster;
  const opened: Array<{ close(): Promise<unknown> }> = [];
  const clients: RedisClient[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  }, 60_000);
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close();
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
    await cluster.stop();
  });

  const configFor = (prefix: string) =>
    loadConfig({ REDIS_URL: cluster.urls[1], REDIS_CLUSTER: 'true', QUEUE_PREFIX: prefix });

  it('is what the config makes from REDIS_CLUSTER, and the seed node finds the others', async () => {
    const client = createRedisClient(configFor('{rs}'), { maxRetriesPerRequest: 1 });
    clients.push(client);
    expect(client).toBeInstanceOf(Cluster);
    // keys on every node: a plain client on one node would answer MOVED for two thirds of them
    for (let i = 0; i < 30; i++) await client.set(`spread-${i}`, String(i));
    expect(await client.get('spread-29')).toBe('29');
    expect((client as Cluster).nodes('master')).toHaveLength(3);
  });

  it('runs a BullMQ flow across queues: children first, then their parent with their results', async () => {
    const config = configFor('{rs}');
    // BullMQ shares a cluster client it is given and leaves it open: closed in afterAll
    const connection = () => {
      const client = bullConnectionOf(config) as Cluster;
      clients.push(client);
      return client;
    };
    const order: string[] = [];
    const handler = async (job: Job) => {
      order.push(job.name);
      if (job.name === 'compose') return Object.values(await job.getChildrenValues()).sort();
      return `${job.name} done`;
    };
    for (const queue of ['scene', 'music', 'compose']) {
      const worker = new Worker(queue, handler, { connection: connection(), prefix: config.queuePrefix });
      opened.push(worker);
    }
    const flows = new FlowProducer({ connection: connection(), prefix: config.queuePrefix });
    opened.push(flows);
    const tree = await flows.add({
      name: 'compose',
      queueName: 'compose',
      children: [
        { name: 'scene', queueName: 'scene', data: {} },
        { name: 'music', queueName: 'music', data: {} },
      ],
    });
    const compose = new Queue('compose', { connection: connection(), prefix: config.queuePrefix });
    opened.push(compose);
    const deadline = Date.now() + 20_000;
    let state = await compose.getJobState(tree.job.id!);
    while (state !== 'completed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      state = await compose.getJobState(tree.job.id!);
    }
    expect(state).toBe('completed');
    expect((await compose.getJob(tree.job.id!))!.returnvalue).toEqual(['music done', 'scene done']);
    expect(order.indexOf('compose')).toBe(2);
  });

  it('lists the workers that published their status, without SCAN, and forgets one that left', async () => {
    const client = createRedisClient(configFor('{rs}'), { maxRetriesPerRequest: 1 });
    clients.push(client);
    const board = new WorkerStatusBoard(client, '{rs}');
    const status = (id: string) => ({ id, queues: ['scene'], slots: [], models: [], modelLog: [], updatedAt: '' });
    await board.publish(status('w2'));
    await board.publish(status('w1'));
    expect((await board.list()).map((w) => w.id)).toEqual(['w1', 'w2']);
    await board.remove('w1');
    expect((await board.list()).map((w) => w.id)).toEqual(['w2']);
  });

  it('reads job counts of several queues through one QueueSet, and closing it closes the shared client', async () => {
    const config = configFor('{qs}');
    const adder = new Queue('scene.video_default', { connection: bullConnectionOf(config), prefix: '{qs}' });
    await adder.add('scene', {});
    await adder.add('scene', {});
    await adder.close();
    await (adder.opts.connection as Cluster).quit();
    const set = new QueueSet(config, ['scene.video_default', 'compose']);
    const counts = await Promise.all(set.queues.map((q) => q.getJobCounts('waiting')));
    expect(counts.map((c) => c.waiting)).toEqual([2, 0]);
    const shared = set.queues[0].opts.connection as Cluster;
    const ended = new Promise<void>((r) => (shared.status === 'end' ? r() : shared.once('end', () => r())));
    await set.close();
    await ended;
    expect(shared.status).toBe('end');
  });

  it('refuses a prefix without a hash tag, which would scatter a flow over slots', () => {
    expect(() => loadConfig({ REDIS_URL: cluster.urls[0], REDIS_CLUSTER: 'true', QUEUE_PREFIX: 'rs' })).toThrow(
      /QUEUE_PREFIX: must be a hash tag such as \{rs\}/,
    );
    expect(() => loadConfig({ REDIS_CLUSTER: 'true' })).toThrow(/REDIS_URL: required with REDIS_CLUSTER=true/);
  });
});
