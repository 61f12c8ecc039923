import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BuiltStack, KEY_A, startBuiltStack } from '../support/built-stack';
import { Client } from '../support/http';

const allergy = JSON.parse(
  readFileSync(resolve(__dirname, '..', '..', 'examples', 'briefs', 'allergy-30s.json'), 'utf8'),
);
const minimal = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'examples', 'briefs', 'minimal.json'), 'utf8'));

describe('kill -9 and restart with the same DATA_DIR', () => {
  let stack: BuiltStack | null = null;

  afterAll(() => stack?.stop());

  it('loses no accepted job: each finishes after the restart, reusing the scenes already made', async () => {
    stack = await startBuiltStack();
    const dataDir = stack.dataDir;
    let client = new Client(stack.baseUrl, KEY_A);
    const long = (await client.submit(allergy)).body.id as string;
    const before = await client.waitFor(
      long,
      (j) => j.scenes.some((s) => s.status === 'completed') && j.scenes.some((s) => s.status === 'running'),
    );
    const justAccepted = (await client.submit(minimal)).body.id as string;
    await stack.kill();

    stack = await startBuiltStack({ dataDir });
    client = new Client(stack.baseUrl, KEY_A);
    const [longAfter, shortAfter] = await Promise.all([
      client.waitFor(long, (j) => ['completed', 'failed', 'cancelled'].includes(j.status), 240_000),
      client.waitFor(justAccepted, (j) => ['completed', 'failed', 'cancelled'].includes(j.status), 240_000),
    ]);
    expect(longAfter.status).toBe('completed');
    expect(shortAfter.status).toBe('completed');
    for (const scene of before.scenes.filter((s) => s.status === 'completed')) {
      // finished before the kill, and not made again afterwards
      expect(longAfter.scenes[scene.index].finishedAt).toBe(scene.finishedAt);
    }
    expect(longAfter.outputs.find((o) => o.type === 'video')?.durationSec).toBeCloseTo(30, 0);
  }, 420_000);
});
