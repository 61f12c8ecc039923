/**
 * `health.readyz_p99_ms`: 200 concurrent GET /readyz against the embedded stack, over several
 * rounds (the readiness probe is cached and single-flight, so a burst costs one probe of Redis,
 * DynamoDB and S3). Baseline beside it: the same burst on /healthz, which calls nothing.
 */
interface Figure {
  name: string;
  value: number;
  unit: string;
}

const CONCURRENT = 200;
const ROUNDS = 5;

async function burst(url: string): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENT }, async () => {
      const started = performance.now();
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
      latencies.push(performance.now() - started);
    }),
  );
  return latencies;
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

async function measure(url: string): Promise<number> {
  await burst(url); // warm-up: connections opened, code paths compiled
  const all: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    all.push(...(await burst(url)));
    // past the readiness cache, so that some rounds pay for a real probe
    await new Promise((r) => setTimeout(r, 1_600));
  }
  return p99(all);
}

export async function healthBench(baseUrl: string): Promise<Figure[]> {
  const readyz = await measure(`${baseUrl}/readyz`);
  const healthz = await measure(`${baseUrl}/healthz`);
  return [
    { name: 'health.readyz_p99_ms', value: readyz, unit: 'ms' },
    { name: 'health.healthz_p99_ms', value: healthz, unit: 'ms' },
    { name: 'health.readyz_ratio_to_healthz', value: readyz / healthz, unit: 'ratio' },
  ];
}
