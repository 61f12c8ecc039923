/**
 * The API under a burst: 50 clients (each its own tenant) submitting at once against one built API
 * process over real Redis, dynalite and s3rver (no worker, so only the API's own work is timed).
 * Submit passes every intake check, the rate limiter, the live-job quota, the spend cap and the
 * row write and enqueue; the baseline is the same burst of a trivial authenticated read
 * (GET /v1/jobs/:id), so the figure says what submitting adds over the HTTP, auth and limits path.
 */
import { startApiProcesses } from '../support/api-processes';
import { type Figure } from './schedule.bench';

const CLIENTS = 50;
const ROUNDS = 4;
const BRIEF = JSON.stringify({
  brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough.',
  durationSec: 6,
});

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

async function burst(request: (client: number) => Promise<Response>): Promise<number[]> {
  const timings: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const started = performance.now();
        const response = await request(client);
        await response.arrayBuffer();
        if (response.status >= 300) throw new Error(`burst request answered ${response.status}`);
        timings.push(performance.now() - started);
      }),
    );
  }
  return timings;
}

export async function apiBurstBench(): Promise<Figure[]> {
  const keys = Array.from({ length: CLIENTS }, (_, i) => `bench-key-${i}=bench${i}`).join(',');
  const api = await startApiProcesses(1, {
    API_KEYS: keys,
    RATE_LIMITS: 'submit=100000/60,reads=100000/60',
    MAX_LIVE_JOBS_PER_TENANT: '100000',
  });
  try {
    const base = api.urls[0];
    const key = (client: number) => ({ 'x-api-key': `bench-key-${client}` });
    const submit = (client: number) =>
      fetch(`${base}/v1/jobs`, {
        method: 'POST',
        headers: { ...key(client), 'content-type': 'application/json' },
        body: BRIEF,
      });
    // One warm-up round so neither figure pays for first-request compilation.
    const ids = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => ((await (await submit(c)).json()) as { id: string }).id),
    );
    const submits = await burst(submit);
    const reads = await burst((c) => fetch(`${base}/v1/jobs/${ids[c]}`, { headers: key(c) }));
    return [
      { name: 'api.submit_p99_ms', value: p99(submits), unit: 'ms' },
      { name: 'api.read_p99_ms', value: p99(reads), unit: 'ms' },
    ];
  } finally {
    await api.stop();
  }
}
