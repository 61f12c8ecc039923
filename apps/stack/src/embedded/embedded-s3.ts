import { mkdirSync } from 'node:fs';
import { type AddressInfo } from 'node:net';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** s3rver in this process, its objects kept under `dir`. It checks no signatures: keys are sanitised by ArtifactKeys. */
export async function startEmbeddedS3(dir: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  // s3rver ships no types; it is only ever loaded here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as new (opts: object) => S3rverInstance;
  mkdirSync(dir, { recursive: true });
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory: dir, silent: true });
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
}
