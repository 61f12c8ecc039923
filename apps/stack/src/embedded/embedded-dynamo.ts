import { mkdirSync } from 'node:fs';
import { type AddressInfo } from 'node:net';

interface DynaliteServer {
  listen(port: number, host: string, cb: (err?: Error) => void): void;
  close(cb: (err?: Error) => void): void;
  address(): AddressInfo;
}

/** dynalite in this process, persisted under `dir` when given (in memory otherwise). */
export async function startEmbeddedDynamo(dir: string | null): Promise<{ endpoint: string; close(): Promise<void> }> {
  // dynalite ships no types; it is only ever loaded here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as (opts: object) => DynaliteServer;
  if (dir) mkdirSync(dir, { recursive: true });
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dir ? { path: dir } : {}) });
  await new Promise<void>((ok, fail) => server.listen(0, '127.0.0.1', (err) => (err ? fail(err) : ok())));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
