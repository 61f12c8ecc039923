import { createServer, request, type Server } from 'node:http';
import { freePort } from '@stack/embedded';

export interface RoundRobinProxy {
  baseUrl: string;
  /** requests sent to each backend, in the order the backends were given */
  counts(): number[];
  close(): Promise<void>;
}

/**
 * A load balancer small enough to read: each request goes to the next backend in turn, streamed
 * both ways (SSE included), with no buffering and no retries, as an ALB in front of several API
 * processes would do it.
 */
export async function startRoundRobinProxy(backends: string[]): Promise<RoundRobinProxy> {
  const counts = backends.map(() => 0);
  let next = 0;
  const server: Server = createServer((req, res) => {
    const i = next;
    next = (next + 1) % backends.length;
    counts[i]++;
    const target = new URL(req.url ?? '/', backends[i]);
    const upstream = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
    });
    // the client went away (an SSE watcher closing): so does the upstream request. Not req's
    // 'close', which fires as soon as a request body has been read.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    counts: () => [...counts],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
