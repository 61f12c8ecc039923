import { type SseEvent, SseParser } from './sse-parser';

export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 30_000;

/** Exponential backoff after a dropped stream: 1 s, 2 s, 4 s … capped at 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
}

export type StreamState =
  { kind: 'connecting' } | { kind: 'live' } | { kind: 'reconnecting'; inMs: number; attempt: number };

export type StreamEnd = { kind: 'finished' } | { kind: 'aborted' } | { kind: 'refused'; status: number };

export interface FollowOptions {
  url: string;
  /** credentials, read at every (re)connection */
  headers: () => Record<string, string>;
  /** resume after this event id (a reload keeps it) */
  lastEventId: string | null;
  signal: AbortSignal;
  onEvent: (event: SseEvent) => void;
  onState?: (state: StreamState) => void;
  /** true when this event is the last one the server will send */
  isFinal: (event: SseEvent) => boolean;
  /** the stream closed without a final event: answer true to stop (e.g. the job turned out to be over) */
  onQuietEnd?: () => Promise<boolean>;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Follows an event stream with `fetch` (EventSource cannot send an API key header): every event
 * goes to `onEvent`; a dropped connection is resumed with `Last-Event-ID` after an exponential
 * backoff that starts again from 1 s once data flows. 401/403/404 end it (`refused`).
 */
export async function followStream(opts: FollowOptions): Promise<StreamEnd> {
  const doFetch = opts.fetch ?? fetch.bind(globalThis);
  const sleep = opts.sleep ?? abortableSleep;
  let lastEventId = opts.lastEventId;
  let attempt = 0;
  while (!opts.signal.aborted) {
    try {
      opts.onState?.({ kind: 'connecting' });
      const response = await doFetch(opts.url, {
        headers: {
          ...opts.headers(),
          accept: 'text/event-stream',
          ...(lastEventId !== null ? { 'last-event-id': lastEventId } : {}),
        },
        cache: 'no-store',
        signal: opts.signal,
      });
      if ([401, 403, 404].includes(response.status)) return { kind: 'refused', status: response.status };
      if (!response.ok || !response.body) throw new Error(`the event stream answered ${response.status}`);
      opts.onState?.({ kind: 'live' });
      const parser = new SseParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        attempt = 0;
        for (const event of parser.push(value)) {
          if (event.id !== null) lastEventId = event.id;
          opts.onEvent(event);
          if (opts.isFinal(event)) {
            await reader.cancel().catch(() => undefined);
            return { kind: 'finished' };
          }
        }
      }
      if (opts.onQuietEnd && (await opts.onQuietEnd())) return { kind: 'finished' };
    } catch (error) {
      if (opts.signal.aborted) break;
      void error; // a dropped connection: retried below
    }
    if (opts.signal.aborted) break;
    const inMs = backoffMs(attempt);
    opts.onState?.({ kind: 'reconnecting', inMs, attempt: attempt + 1 });
    attempt++;
    await sleep(inMs, opts.signal);
  }
  return { kind: 'aborted' };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
