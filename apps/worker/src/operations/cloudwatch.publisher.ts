import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type AppConfig, awsClientLogger, awsClientTimeouts } from '@app/config';
import { SCALING_METRICS, type ScalingDatum } from '@app/pipeline';

export interface CloudWatchTarget {
  region: string;
  /** a local endpoint (tests); unset: AWS (or the SDK's AWS_ENDPOINT_URL_CLOUDWATCH) */
  endpoint?: string;
  timeouts: AppConfig['dependencies'];
}

/**
 * The one place the workers talk to CloudWatch: scaling datums as PutMetricData, one call per
 * round, each datum dimensioned by its profile. Credentials come from the default chain (the ECS
 * task role, which may put metrics in the scaling namespace only).
 */
export class CloudWatchPublisher {
  private readonly client: CloudWatchClient;

  constructor(target: CloudWatchTarget) {
    this.client = new CloudWatchClient({
      region: target.region,
      ...(target.endpoint
        ? { endpoint: target.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      ...awsClientTimeouts(target.timeouts),
      logger: awsClientLogger,
    });
  }

  async put(namespace: string, datums: readonly ScalingDatum[], at: Date): Promise<void> {
    if (!datums.length) return;
    await this.client.send(
      new PutMetricDataCommand({
        Namespace: namespace,
        MetricData: datums.map((d) => ({
          MetricName: d.metricName,
          Dimensions: [{ Name: SCALING_METRICS.profileDimension, Value: d.profile }],
          Value: d.value,
          Unit: d.metricName === SCALING_METRICS.backlogPerTask ? 'None' : 'Count',
          Timestamp: at,
        })),
      }),
    );
  }

  close(): void {
    this.client.destroy();
  }
}
