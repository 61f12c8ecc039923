import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';

import { SCALING_METRICS } from '@app/pipeline';

// The names come from the code that publishes them (libs/pipeline/src/scaling-metrics.ts, read there
// for what each metric means), so the fleets scale on exactly what the workers send.
export { SCALING_METRICS };

export function backlogPerTaskMetric(profile: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: SCALING_METRICS.namespace,
    metricName: SCALING_METRICS.backlogPerTask,
    dimensionsMap: { [SCALING_METRICS.profileDimension]: profile },
    statistic: cloudwatch.Stats.AVERAGE,
    period: Duration.minutes(1),
  });
}

export function backlogWithoutWorkersMetric(profile: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: SCALING_METRICS.namespace,
    metricName: SCALING_METRICS.backlogWithoutWorkers,
    dimensionsMap: { [SCALING_METRICS.profileDimension]: profile },
    statistic: cloudwatch.Stats.MAXIMUM,
    period: Duration.minutes(1),
  });
}
