import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEnv, type TestEnv } from '@app/testing';
import { ArtifactKeys } from './artifact-keys';
import { ArtifactStore, createS3Client } from './artifact.store';

describe(ArtifactStore.name, () => {
  let env: TestEnv;
  let store: ArtifactStore;
  let dir: string;
  const keys = new ArtifactKeys('tenantA', '01JSTORETEST00000000000000');

  beforeAll(async () => {
    env = await startTestEnv();
    store = new ArtifactStore(createS3Client(env.config.s3), env.config);
    dir = mkdtempSync(join(tmpdir(), 'store-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await env.close();
  });

  it('round-trips a binary file byte for byte, with its metadata', async () => {
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 256));
    writeFileSync(join(dir, 'in.bin'), bytes);
    await store.putFile(keys.clip(0), join(dir, 'in.bin'), 'video/mp4', { 'content-hash': 'abc' });
    await store.downloadTo(keys.clip(0), join(dir, 'out.bin'));
    expect(readFileSync(join(dir, 'out.bin')).equals(bytes)).toBe(true);
    expect(await store.head(keys.clip(0))).toEqual({ 'content-hash': 'abc' });
  });

  it('answers null for what does not exist', async () => {
    expect(await store.head(keys.clip(9))).toBeNull();
    expect(await store.getJson(keys.script)).toBeNull();
  });

  it('stores JSON and presigns URLs that fetch the object', async () => {
    await store.putJson(keys.script, { scenes: [1, 2] });
    expect(await store.getJson(keys.script)).toEqual({ scenes: [1, 2] });
    const url = await store.presign(keys.script);
    expect(url).toContain('X-Amz-Signature=');
    expect(await (await fetch(url)).json()).toEqual({ scenes: [1, 2] });
  });
});
