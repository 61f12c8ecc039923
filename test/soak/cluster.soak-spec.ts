import { runSoak, type SoakReport } from '../support/soak';

/**
 * Many processes, one machine (issue 15): a Redis Cluster, two APIs behind a proxy, three workers,
 * one of them SIGKILLed every 20 s. `npm run bench` runs the same soak for its figures.
 *
 * Asserted: every job completes, none is duplicated, every watcher sees its job's end. Reported,
 * not asserted (issue 15 stays open on it): provider creates sent twice, which a worker killed
 * between a vLLM-Omni create and the write recording it still causes (1 in 30 jobs seen). Runs alone, after the other suites (`npm test`): it is six
 * processes and a cluster on two cores, and anything beside it would slow both.
 */
describe('multi-process soak on a Redis Cluster', () => {
  let report: SoakReport;

  beforeAll(async () => {
    report = await runSoak({ jobs: 30, tenants: 3, killEverySec: 20, deadlineSec: 480 });
    console.log(`soak: ${JSON.stringify(report)}`);
  }, 600_000);

  it('loses no job, duplicates none, and every watcher on both API processes sees its terminal event', () => {
    expect(report.submitted).toBe(30);
    expect(report.stuck).toEqual([]);
    expect(report.failed).toEqual([]);
    expect(report.completed).toBe(30);
    expect(report.duplicates).toBe(0);
    expect(report.lostEvents).toBe(0);
  });

  it('pays for no clip twice: no provider create is repeated, also when a worker died right after one', () => {
    expect(report.repeatedCreates).toBe(0);
  });

  it('kills and restarts workers along the way, with both API processes serving', () => {
    expect(report.workerRestarts).toBeGreaterThanOrEqual(2);
    expect(Math.min(...report.apiRequests)).toBeGreaterThan(0);
  });
});
