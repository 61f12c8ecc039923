import { randomBytes } from 'node:crypto';
import { FlowProducer, type Job, Queue, Worker } from 'bullmq';
import { type JobSchedule, planSchedule, type Storyboard, type TransitionIn } from '@app/domain';
import { deleteRedisPrefix, TEST_REDIS_URL } from '@app/testing';
import { bullJobId, QueueName, sceneQueueName } from './job-catalog';
import { addAnchoredScenes, buildJobFlow as buildFlow } from './job-flow.builder';
import { redisOptionsFromUrl } from './redis-connection';

const board = (transitions: TransitionIn[]): Pick<Storyboard, 'scenes' | 'music'> => ({
  scenes: transitions.map((transitionIn, index) => ({
    index,
    beat: 'b',
    durationSec: 3,
    visualPrompt: 'p',
    cameraMove: 'static',
    onScreenText: '',
    transitionIn,
    palette: ['#000000', '#ffffff'],
  })),
  music: { mood: 'calm', enabled: true },
});

const PROFILE = 'video_default';
const SCENES = sceneQueueName(PROFILE);
const chained = (b: ReturnType<typeof board>): JobSchedule =>
  planSchedule(b.scenes, () => ({ profile: PROFILE, firstAndLastFrame: false }), true);
const buildJobFlow = (ref: { tenantId: string; jobId: string }, b: ReturnType<typeof board>) =>
  buildFlow(ref, b, chained(b));

describe('job flow on Redis', () => {
  const connection = redisOptionsFromUrl(TEST_REDIS_URL);
  let prefix: string;
  let workers: Worker[] = [];
  let closers: Array<{ close(): Promise<void> }> = [];

  beforeEach(() => {
    prefix = `rs-flow-${randomBytes(5).toString('hex')}`;
    workers = [];
    closers = [];
  });
  afterEach(async () => {
    await Promise.all([...workers, ...closers].map((w) => w.close()));
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  const run = (queue: string, fn: (job: Job) => Promise<unknown>, concurrency = 4) => {
    const worker = new Worker(queue, fn, { connection, prefix, concurrency });
    workers.push(worker);
    return worker;
  };

  it('runs a chain in order, chains beside music and then the soundtrack, and compose last', async () => {
    const spans = new Map<string, { start: number; end: number }>();
    const timed = async (job: Job) => {
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 300));
      spans.set(job.id!, { start, end: Date.now() });
    };
    const composeDone = new Promise<void>((resolve) => {
      run(QueueName.Compose, async (job) => {
        await timed(job);
        resolve();
      });
    });
    run(SCENES, timed);
    run(QueueName.Music, timed);
    run(QueueName.Soundtrack, timed);
    const flows = new FlowProducer({ connection, prefix });
    closers.push(flows);
    await flows.add(buildJobFlow({ tenantId: 't', jobId: 'J' }, board(['cut', 'continuous', 'cut'])));
    await composeDone;

    const s0 = spans.get(bullJobId.scene('J', 0))!;
    const s1 = spans.get(bullJobId.scene('J', 1))!;
    const s2 = spans.get(bullJobId.scene('J', 2))!;
    const music = spans.get(bullJobId.music('J'))!;
    const soundtrack = spans.get(bullJobId.soundtrack('J'))!;
    const compose = spans.get(bullJobId.compose('J'))!;
    expect(s1.start).toBeGreaterThanOrEqual(s0.end); // continuous waits for its seed
    expect(s2.start).toBeLessThan(s1.end); // a cut never waits
    expect(music.start).toBeLessThan(s0.end); // music alongside the scenes
    expect(soundtrack.start).toBeGreaterThanOrEqual(music.end); // the soundtrack mixes the music
    expect(soundtrack.start).toBeLessThan(s1.end); // ...while the chain is still generating
    expect(compose.start).toBeGreaterThanOrEqual(Math.max(s1.end, s2.end, soundtrack.end));
  });

  it('fails the whole flow when a scene fails for good, leaving no parent waiting', async () => {
    let attempts = 0;
    run(SCENES, async (job) => {
      if (job.data.sceneIndex === 0) {
        attempts++;
        throw new Error('generator exploded');
      }
    });
    run(QueueName.Music, async () => undefined);
    run(QueueName.Soundtrack, async () => undefined);
    const composeRan = jest.fn();
    run(QueueName.Compose, async () => composeRan());
    const flows = new FlowProducer({ connection, prefix });
    closers.push(flows);
    await flows.add(buildJobFlow({ tenantId: 't', jobId: 'F' }, board(['cut', 'continuous', 'cut'])));

    const composeQueue = new Queue(QueueName.Compose, { connection, prefix });
    closers.push(composeQueue);
    const deadline = Date.now() + 30_000;
    let state = '';
    while (Date.now() < deadline) {
      state = await (await composeQueue.getJob(bullJobId.compose('F')))!.getState();
      if (state === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(state).toBe('failed');
    expect(attempts).toBe(3); // retried with backoff before giving up
    expect(composeRan).not.toHaveBeenCalled();
    const sceneQueue = new Queue(SCENES, { connection, prefix });
    closers.push(sceneQueue);
    expect(await (await sceneQueue.getJob(bullJobId.scene('F', 1)))!.getState()).toBe('failed');
  }, 45_000);

  it('starts every anchored scene at once after the keyframes step, and compose after all of them', async () => {
    const b = board(['cut', 'continuous', 'continuous', 'continuous', 'cut']);
    const schedule = planSchedule(b.scenes, () => ({ profile: 'video_kling', firstAndLastFrame: true }), true);
    const spans = new Map<string, { start: number; end: number }>();
    const timed = async (job: Job) => {
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 400));
      spans.set(job.id!, { start, end: Date.now() });
    };
    const flows = new FlowProducer({ connection, prefix });
    closers.push(flows);
    const composeDone = new Promise<void>((resolve) => {
      run(QueueName.Compose, async (job) => {
        await timed(job);
        resolve();
      });
    });
    run(QueueName.Keyframes, async (job) => {
      await timed(job);
      // a retried keyframes step adds nothing twice
      await addAnchoredScenes(flows, prefix, job.data, schedule);
      await addAnchoredScenes(flows, prefix, job.data, schedule);
    });
    run(sceneQueueName('video_kling'), timed, 8);
    run(QueueName.Music, timed);
    run(QueueName.Soundtrack, timed);
    await flows.add(buildFlow({ tenantId: 't', jobId: 'A' }, b, schedule));
    await composeDone;

    const keyframes = spans.get(bullJobId.keyframes('A'))!;
    const scenes = [0, 1, 2, 3, 4].map((i) => spans.get(bullJobId.scene('A', i))!);
    const compose = spans.get(bullJobId.compose('A'))!;
    const anchoredScenes = scenes.slice(0, 4);
    expect(Math.min(...anchoredScenes.map((s) => s.start))).toBeGreaterThanOrEqual(keyframes.end);
    // nothing waits for a neighbour: every anchored scene starts before any of them ends
    expect(Math.max(...anchoredScenes.map((s) => s.start))).toBeLessThan(Math.min(...anchoredScenes.map((s) => s.end)));
    expect(scenes[4].start).toBeLessThan(keyframes.end); // the lone cut scene never waited
    expect(compose.start).toBeGreaterThanOrEqual(Math.max(...scenes.map((s) => s.end)));
    const sceneQueue = new Queue(sceneQueueName('video_kling'), { connection, prefix });
    closers.push(sceneQueue);
    expect(await sceneQueue.getJobCounts('completed')).toEqual({ completed: 5 }); // each scene once
  });
});
