import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, Errors } from '@app/domain';
import { sweepStaleWorkDirs, withWorkDir } from './work-dir';

describe('work directories', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'work-dir-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('removes the step directory afterwards, also when the step fails', async () => {
    let seen = '';
    await expect(
      withWorkDir({ dataDir, minFreeDiskMb: 0 }, 'JOB-scene-1', async (dir) => {
        seen = dir;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen).toContain(`JOB-scene-1-p${process.pid}-`);
    expect(await readdir(join(dataDir, 'work'))).toEqual([]);
  });

  it('refuses to start a step below the free-disk watermark with the retryable WORKER.DISK_LOW', async () => {
    const step = jest.fn();
    const error = await withWorkDir({ dataDir, minFreeDiskMb: Number.MAX_SAFE_INTEGER }, 'JOB-compose', step).catch(
      (e: unknown) => e,
    );
    expect(AppError.is(error, Errors.diskLow)).toBe(true);
    expect(error).toMatchObject({ retryable: true });
    expect(step).not.toHaveBeenCalled();
  });

  it("sweeps at boot what dead processes left, and keeps a live worker's directories", async () => {
    const root = join(dataDir, 'work');
    const dead = 'JOB-scene-0-p4194999-abc123'; // above any pid_max: no such process
    const live = `JOB-scene-1-p${process.ppid}-def456`;
    const ownPidFromBefore = `JOB-music-p${process.pid}-ghi789`;
    const older = 'JOB-compose-jkl012';
    for (const name of [dead, live, ownPidFromBefore, older])
      await mkdir(join(root, name, 'inner'), { recursive: true });
    expect((await sweepStaleWorkDirs(dataDir)).sort()).toEqual([dead, ownPidFromBefore, older].sort());
    expect(await readdir(root)).toEqual([live]);
  });

  it('sweeps nothing when there is no work directory yet', async () => {
    expect(await sweepStaleWorkDirs(dataDir)).toEqual([]);
  });
});
