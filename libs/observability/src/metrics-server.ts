import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { metrics } from './metrics';

/**
 * A worker's `GET /metrics` on its own port (METRICS_PORT); workers have no HTTP server otherwise.
 * `beforeScrape` refreshes the series read at scrape time (queue depths).
 */
export async function startMetricsServer(
  port: number,
  host: string,
  beforeScrape: () => Promise<void> = async () => undefined,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    beforeScrape()
      .catch(() => undefined)
      .then(() => metrics.text())
      .then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        (error: Error) => res.writeHead(500).end(error.message),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
