import { readSse, type SseEvent } from '../../apps/stack/src/sse-client';

export interface JobView {
  id: string;
  status: string;
  progress: number;
  version: number;
  createdAt: string;
  brief: { durationSec: number; aspectRatio: string };
  scenes: Array<{
    index: number;
    status: string;
    progress: number;
    durationSec: number;
    chain: number;
    seededFrom: number | null;
    startedAt: string | null;
    finishedAt: string | null;
    clipUrl?: string;
  }>;
  music: { status: string; progress: number };
  outputs: Array<{
    type: string;
    aspectRatio?: string | null;
    url: string;
    downloadUrl?: string;
    fileName?: string;
    contentType: string;
    width: number;
    height: number;
    durationSec: number | null;
  }>;
  error: { code: string; message: string } | null;
  stages: Record<string, { startedAt: string; finishedAt: string | null }>;
}

export class Client {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string | null,
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as any) : null }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  submit(brief: unknown, headers: Record<string, string> = {}) {
    return this.request('POST', '/v1/jobs', brief, headers);
  }

  async job(id: string): Promise<JobView> {
    const { status, body } = await this.request('GET', `/v1/jobs/${id}`);
    if (status !== 200) throw new Error(`GET job ${id}: ${status} ${JSON.stringify(body)}`);
    return body as JobView;
  }

  /** Every SSE event of a job until the server closes the stream (or `until` says stop). */
  async events(id: string, opts: { lastEventId?: number; until?: (e: SseEvent) => boolean; timeoutMs?: number } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? 240_000);
    const events: SseEvent[] = [];
    try {
      const response = await fetch(`${this.baseUrl}/v1/jobs/${id}/events`, {
        headers: {
          ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}),
          ...(opts.lastEventId !== undefined ? { 'last-event-id': String(opts.lastEventId) } : {}),
        },
        signal: controller.signal,
      });
      if (response.status !== 200)
        return { status: response.status, events, contentType: response.headers.get('content-type') };
      for await (const event of readSse(response.body!)) {
        events.push(event);
        if (opts.until?.(event)) {
          controller.abort();
          break;
        }
      }
      return { status: 200, events, contentType: response.headers.get('content-type') };
    } catch (error) {
      if ((error as Error).name === 'AbortError' && opts.until) return { status: 200, events, contentType: null };
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async waitFor(id: string, predicate: (job: JobView) => boolean, timeoutMs = 180_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.job(id);
      if (predicate(job)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} did not reach the expected state: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

export function jobsOf(events: SseEvent[]): JobView[] {
  return events.filter((e) => e.event === 'job').map((e) => JSON.parse(e.data!) as JobView);
}
