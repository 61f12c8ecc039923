import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { SlotPool } from './slot-pool';
import { TaskProtection } from './task-protection.service';

interface AgentCall {
  method: string;
  path: string;
  body: { ProtectionEnabled: boolean; ExpiresInMinutes?: number };
}

/**
 * The ECS agent's task protection endpoint as documented: PUT /task-protection/v1/state answers 200
 * with {protection} or, when ECS refuses, with {failure}. `refuse` makes the next calls fail.
 */
async function startAgent() {
  const calls: AgentCall[] = [];
  let refuse = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as AgentCall['body'];
      calls.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' });
      if (refuse > 0) {
        refuse--;
        res.end(JSON.stringify({ failure: { Arn: 'arn:aws:ecs:task/x', Reason: 'TASK_NOT_VALID' } }));
        return;
      }
      res.end(
        JSON.stringify({
          protection: {
            ProtectionEnabled: body.ProtectionEnabled,
            ExpirationDate: null,
            TaskArn: 'arn:aws:ecs:task/x',
          },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/task-1`,
    calls,
    refuseNext: (n: number) => (refuse = n),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not reached: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const states = (calls: AgentCall[]) => calls.map((c) => c.body.ProtectionEnabled);

describe(TaskProtection.name, () => {
  let agent: Awaited<ReturnType<typeof startAgent>>;

  beforeEach(async () => {
    agent = await startAgent();
  });
  afterEach(() => agent.close());

  function poolWith(protection: TaskProtection, slots = 2) {
    return new SlotPool(SlotPool.slotsFor([], slots), async () => undefined, {
      onBusyChange: (busy) => protection.busySlotsChanged(busy),
    });
  }

  it('turns protection on when the first slot gets a scene and off when the last one is released', async () => {
    const protection = new TaskProtection(agent.uri, { expiresInMinutes: 90 });
    const pool = poolWith(protection);
    const first = await pool.acquire('video_default');
    const second = await pool.acquire('video_long');
    await protection.settled();
    expect(agent.calls).toEqual([
      {
        method: 'PUT',
        path: '/api/task-1/task-protection/v1/state',
        body: { ProtectionEnabled: true, ExpiresInMinutes: 90 },
      },
    ]);
    first.release();
    await protection.settled();
    expect(agent.calls).toHaveLength(1);
    second.release();
    await protection.settled();
    expect(agent.calls.map((c) => c.body)).toEqual([
      { ProtectionEnabled: true, ExpiresInMinutes: 90 },
      { ProtectionEnabled: false },
    ]);
    await protection.onApplicationShutdown();
  });

  it('keeps protection through a slot freed and taken again at once by a waiting scene', async () => {
    const protection = new TaskProtection(agent.uri);
    const pool = poolWith(protection, 1);
    const first = await pool.acquire('video_default');
    const next = pool.acquire('video_default');
    first.release();
    (await next).release();
    await protection.settled();
    expect(states(agent.calls)).toEqual([true, false]);
    await protection.onApplicationShutdown();
  });

  it('renews the grant while a scene runs longer than the renewal period', async () => {
    const protection = new TaskProtection(agent.uri, { expiresInMinutes: 1, renewEveryMs: 40 });
    const lease = await poolWith(protection).acquire('video_default');
    await eventually(() => agent.calls.length >= 3, 'two renewals');
    expect(states(agent.calls)).toEqual(agent.calls.map(() => true));
    lease.release();
    await protection.settled();
    expect(states(agent.calls).at(-1)).toBe(false);
    await protection.onApplicationShutdown();
  });

  it('tries again after the agent refuses, until protection holds', async () => {
    agent.refuseNext(2);
    const protection = new TaskProtection(agent.uri, { retryMs: 20 });
    const lease = await poolWith(protection).acquire('video_default');
    await eventually(() => agent.calls.length >= 3, 'a third attempt');
    await protection.settled();
    expect(states(agent.calls)).toEqual([true, true, true]);
    lease.release();
    await protection.settled();
    expect(states(agent.calls)).toEqual([true, true, true, false]);
    await protection.onApplicationShutdown();
  });

  it('releases protection when the worker shuts down mid-scene, and calls nothing afterwards', async () => {
    const protection = new TaskProtection(agent.uri);
    const pool = poolWith(protection);
    const lease = await pool.acquire('video_default');
    await protection.settled();
    await protection.onApplicationShutdown();
    expect(states(agent.calls)).toEqual([true, false]);
    lease.release();
    await pool.acquire('video_default');
    await protection.settled();
    expect(agent.calls).toHaveLength(2);
  });
});
