import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { backoffMs, followStream, type StreamState } from './follow-stream';
import { SseParser } from './sse-parser';

describe(SseParser.name, () => {
  it('assembles events split anywhere across chunks and line endings, skipping comments', () => {
    const parser = new SseParser();
    const text =
      'retry: 2000\r\n\r\n: heartbeat\n\nid: 3\r\nevent: job\r\ndata: {"a":\ndata: 1}\r\n\r\nid: 4\rdata: x\r\r';
    const events = [];
    for (let i = 0; i < text.length; i += 3) events.push(...parser.push(text.slice(i, i + 3)));
    expect(events).toEqual([
      { id: '3', event: 'job', data: '{"a":\n1}' },
      { id: '4', event: 'message', data: 'x' },
    ]);
    expect(parser.retryMs).toBe(2000);
  });
});

describe(followStream.name, () => {
  let server: Server;
  let url: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  const requests: Array<{ key: string | undefined; lastEventId: string | undefined }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({
        key: req.headers['x-api-key'] as string | undefined,
        lastEventId: req.headers['last-event-id'] as string | undefined,
      });
      handler(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => (requests.length = 0));

  const job = (version: number, status: string) => `id: ${version}\nevent: job\ndata: {"status":"${status}"}\n\n`;

  it('resumes after a dropped connection with Last-Event-ID, backing off 1 s, then 2 s while it keeps failing', async () => {
    let call = 0;
    handler = (_req, res) => {
      call++;
      res.writeHead(call === 2 ? 503 : 200, { 'content-type': 'text/event-stream' });
      if (call === 1) {
        res.write(job(1, 'queued') + job(2, 'planning'));
        setTimeout(() => res.destroy(), 50); // the network drops mid-stream
      } else if (call === 2) res.end();
      else res.end(job(3, 'generating') + job(4, 'completed'));
    };
    const seen: string[] = [];
    const waits: number[] = [];
    const states: StreamState['kind'][] = [];
    const end = await followStream({
      url,
      headers: () => ({ 'x-api-key': 'k1' }),
      lastEventId: null,
      signal: new AbortController().signal,
      onEvent: (e) => seen.push(`${e.id}:${JSON.parse(e.data).status}`),
      onState: (s) => states.push(s.kind),
      isFinal: (e) => JSON.parse(e.data).status === 'completed',
      sleep: async (ms) => void waits.push(ms),
    });
    expect(end).toEqual({ kind: 'finished' });
    expect(seen).toEqual(['1:queued', '2:planning', '3:generating', '4:completed']);
    expect(requests).toEqual([
      { key: 'k1', lastEventId: undefined },
      { key: 'k1', lastEventId: '2' },
      { key: 'k1', lastEventId: '2' },
    ]);
    expect(waits).toEqual([1000, 2000]);
    expect(states).toContain('reconnecting');
  });

  it('starts from the event id it is given (a reloaded page) and stops when refused', async () => {
    handler = (_req, res) => void res.writeHead(404).end();
    const end = await followStream({
      url,
      headers: () => ({ 'x-api-key': 'k2' }),
      lastEventId: '7',
      signal: new AbortController().signal,
      onEvent: () => undefined,
      isFinal: () => false,
    });
    expect(end).toEqual({ kind: 'refused', status: 404 });
    expect(requests).toEqual([{ key: 'k2', lastEventId: '7' }]);
  });

  it('backs off exponentially from 1 s to at most 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});
