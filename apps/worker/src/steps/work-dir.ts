import { mkdir, mkdtemp, readdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { type AppConfig } from '@app/config';
import { AppError, Errors } from '@app/domain';

type WorkDirConfig = Pick<AppConfig, 'dataDir' | 'minFreeDiskMb'>;

/**
 * A scratch directory under DATA_DIR/work for one step, removed afterwards whatever happens. The
 * step does not start below MIN_FREE_DISK_MB free (a retryable WORKER.DISK_LOW: later, or another
 * worker, may have room) rather than fail half-way through an encode. The directory's name carries
 * this process's pid, so a sweep can tell the leftovers of a dead process from live work.
 */
export async function withWorkDir<T>(
  config: WorkDirConfig,
  label: string,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const root = join(config.dataDir, 'work');
  await mkdir(root, { recursive: true });
  await assertFreeDisk(root, config.minFreeDiskMb);
  const dir = await mkdtemp(join(root, `${label}-p${process.pid}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function freeDiskMb(path: string): Promise<number> {
  const stats = await statfs(path);
  return (Number(stats.bavail) * Number(stats.bsize)) / (1024 * 1024);
}

async function assertFreeDisk(path: string, minMb: number): Promise<void> {
  if (!(minMb > 0)) return;
  const free = await freeDiskMb(path);
  if (free < minMb) {
    throw new AppError(
      Errors.diskLow,
      `only ${Math.floor(free)} MB free on the worker's disk (MIN_FREE_DISK_MB is ${minMb}); the step will be retried`,
    );
  }
}

/**
 * At boot: removes the work directories a SIGKILLed or crashed step left behind, i.e. those whose
 * process is gone (another live worker sharing DATA_DIR keeps its own). Returns what it removed.
 */
export async function sweepStaleWorkDirs(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'work');
  const names = await readdir(root).catch(() => [] as string[]);
  const stale = names.filter((name) => {
    const pid = Number(/-p(\d+)-[^-]*$/.exec(name)?.[1]);
    // At boot nothing is ours yet: our own pid on a directory is a previous process's (containers reuse pids).
    return !pid || pid === process.pid || !alive(pid);
  });
  await Promise.all(stale.map((name) => rm(join(root, name), { recursive: true, force: true })));
  return stale;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
