import { SCALING_METRICS, scalingDatums } from './scaling-metrics';

describe(scalingDatums.name, () => {
  it('divides the backlog over the live workers and reports it without workers only when none serve', () => {
    expect(
      scalingDatums([
        { profile: 'video_default', backlog: 5, workers: 2 },
        { profile: 'video_long', backlog: 3, workers: 0 },
        { profile: 'image_default', backlog: 0, workers: 0 },
      ]).map((d) => [d.metricName, d.profile, d.value]),
    ).toEqual([
      [SCALING_METRICS.backlogPerTask, 'video_default', 2.5],
      [SCALING_METRICS.backlogWithoutWorkers, 'video_default', 0],
      [SCALING_METRICS.backlogPerTask, 'video_long', 3],
      [SCALING_METRICS.backlogWithoutWorkers, 'video_long', 3],
      [SCALING_METRICS.backlogPerTask, 'image_default', 0],
      [SCALING_METRICS.backlogWithoutWorkers, 'image_default', 0],
    ]);
  });
});
