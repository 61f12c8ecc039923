import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** A scratch directory under DATA_DIR for one step, removed afterwards whatever happens. */
export async function withWorkDir<T>(dataDir: string, label: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const root = join(dataDir, 'work');
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, `${label}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
