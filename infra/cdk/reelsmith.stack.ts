import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_dynamodb as dynamodb,
  aws_ec2 as ec2,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_logs as logs,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { type Construct } from 'constructs';
import { type ProcessTier } from '@app/config';
import { jobsTableDefinition } from '@app/persistence';
import { ARTIFACT_CORS_RULES } from '@app/storage';
import { type DeployParams } from './deploy-params';
import { Edge } from './edge.construct';
import { GpuFleet } from './gpu-fleet.construct';
import { tableShapeOf } from './jobs-table.builder';
import { Redis } from './redis.construct';
import { SCALING_METRICS } from './scaling-metrics';
import { ADMIN_SCOPE, StudioIdentity, TENANT_CLAIM } from './studio-identity.construct';

const API_PORT = 3000;
const HEALTH_PATH = '/healthz';

/** A service of the deployment and the tier of process it runs (what production demands of it). */
export interface DeployedService {
  name: string;
  tier: ProcessTier;
  service: ecs.BaseService;
  taskDefinition: ecs.TaskDefinition;
}

export interface ReelsmithStackProps extends StackProps {
  params: DeployParams;
}

/**
 * Reelsmith on AWS: the API on Fargate behind an ALB and CloudFront, CPU workers (plan, music,
 * compose) on Fargate, one GPU fleet per model profile on EC2, ElastiCache Redis for the queues,
 * DynamoDB for job state, S3 for artifacts, Cognito for studio sign-in. Environment-agnostic: it
 * synthesises offline, without credentials or lookups.
 */
export class ReelsmithStack extends Stack {
  readonly services: DeployedService[] = [];
  readonly table: dynamodb.Table;
  readonly bucket: s3.Bucket;
  readonly redis: Redis;
  readonly edge: Edge;
  readonly identity: StudioIdentity;
  readonly gpuFleets: GpuFleet[] = [];

  constructor(scope: Construct, id: string, props: ReelsmithStackProps) {
    super(scope, id, props);
    const { params } = props;

    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: params.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      // artifacts and job rows stay off the NAT gateways (and their per-GB charge)
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });

    const { globalSecondaryIndexes, ...keys } = tableShapeOf(jobsTableDefinition('reelsmith-jobs'));
    this.table = new dynamodb.Table(this, 'Jobs', {
      ...keys,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    for (const index of globalSecondaryIndexes) this.table.addGlobalSecondaryIndex(index);

    this.bucket = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      // The studio's player reads presigned captions with CORS; the URL itself stays the credential.
      cors: ARTIFACT_CORS_RULES.map((rule) => ({
        allowedMethods: rule.AllowedMethods as s3.HttpMethods[],
        allowedOrigins: rule.AllowedOrigins,
        allowedHeaders: rule.AllowedHeaders,
        maxAge: rule.MaxAgeSeconds,
      })),
      lifecycleRules: [
        ...params.scratchPrefixes.map((prefix) => ({
          id: `scratch-${prefix.replace(/\/$/, '')}`,
          prefix,
          expiration: Duration.days(params.scratchExpireDays),
        })),
        { id: 'abandoned-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    this.redis = new Redis(this, 'Redis', { vpc, nodeType: params.redisNodeType, replicas: params.redisReplicas });
    this.edge = new Edge(this, 'Edge', {
      vpc,
      domainNames: params.domainNames,
      certificateArn: params.certificateArn,
      originDomainName: params.originDomainName,
      originCertificateArn: params.originCertificateArn,
    });
    this.identity = new StudioIdentity(this, 'Identity', {
      domainPrefix: params.authDomainPrefix,
      callbackUrls: [`${this.edge.publicUrl}/`, ...params.extraCallbackUrls],
    });

    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    const repository = ecr.Repository.fromRepositoryName(this, 'Images', params.imageRepository);
    const image = ecs.ContainerImage.fromEcrRepository(repository, params.imageTag);
    const gpuImage = ecs.ContainerImage.fromEcrRepository(repository, params.gpuImageTag ?? params.imageTag);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logging = (prefix: string) => ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: prefix });

    const secret = (id: string, name: string) =>
      ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(this, id, name));
    const providerSecrets: Record<string, ecs.Secret> = {
      ...(params.openaiSecretName ? { OPENAI_API_KEY: secret('OpenAiKey', params.openaiSecretName) } : {}),
      ...(params.replicateSecretName
        ? { REPLICATE_API_TOKEN: secret('ReplicateToken', params.replicateSecretName) }
        : {}),
    };
    const common: Record<string, string> = {
      ...params.environment,
      NODE_ENV: 'production',
      REDIS_URL: this.redis.url,
      DYNAMODB_TABLE: this.table.tableName,
      S3_BUCKET: this.bucket.bucketName,
      AWS_REGION: this.region,
      DATA_DIR: '/tmp/reelsmith',
    };
    // Every worker publishes the GPU fleets' scaling metrics; the CPU tier always runs, so a fleet
    // scaled to zero still hears of its backlog.
    const workerEnvironment: Record<string, string> = {
      ...common,
      SCALING_METRICS_NAMESPACE: SCALING_METRICS.namespace,
    };

    // API
    const apiTask = new ecs.FargateTaskDefinition(this, 'ApiTask', {
      cpu: params.api.cpu,
      memoryLimitMiB: params.api.memoryMiB,
    });
    apiTask.addContainer('api', {
      image,
      command: ['node', 'dist/apps/api/src/main.js'],
      portMappings: [{ containerPort: API_PORT }],
      environment: {
        ...common,
        HOST: '0.0.0.0',
        PORT: String(API_PORT),
        OIDC_ISSUER: this.identity.issuer,
        OIDC_AUDIENCE: this.identity.client.userPoolClientId,
        OIDC_TENANT_CLAIM: TENANT_CLAIM,
        OIDC_ADMIN_SCOPE: ADMIN_SCOPE,
      },
      secrets: { API_KEYS: secret('ApiKeys', params.apiKeysSecretName), ...providerSecrets },
      logging: logging('api'),
      healthCheck: {
        // the image has node, not curl; /healthz is constant cost and calls no dependency
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${API_PORT}${HEALTH_PATH}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      stopTimeout: Duration.seconds(60),
    });
    const apiSecurityGroup = new ec2.SecurityGroup(this, 'ApiSecurityGroup', { vpc, description: 'Reelsmith API' });
    const api = new ecs.FargateService(this, 'Api', {
      cluster,
      taskDefinition: apiTask,
      desiredCount: params.api.minTasks,
      securityGroups: [apiSecurityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
      healthCheckGracePeriod: Duration.seconds(60),
    });
    const apiTargets = new elbv2.ApplicationTargetGroup(this, 'ApiTargets', {
      vpc,
      port: API_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      targets: [api],
      // liveness, not readiness: ECS replaces a task the ALB finds unhealthy, and a Redis failover
      // must not make it replace every API task at once (see README, "Deploying to AWS")
      healthCheck: { path: HEALTH_PATH, healthyHttpCodes: '200', interval: Duration.seconds(15) },
      // open event streams end here; clients resume with Last-Event-ID on another task
      deregistrationDelay: Duration.seconds(30),
    });
    this.edge.forwardToApi(apiTargets);
    api.connections.allowFrom(this.edge.loadBalancer, ec2.Port.tcp(API_PORT));
    const apiScaling = api.autoScaleTaskCount({ minCapacity: params.api.minTasks, maxCapacity: params.api.maxTasks });
    apiScaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    this.add('api', 'api', api, apiTask, apiSecurityGroup);

    // CPU workers: planning, music, composition
    const cpuTask = new ecs.FargateTaskDefinition(this, 'CpuWorkerTask', {
      cpu: params.cpuWorkers.cpu,
      memoryLimitMiB: params.cpuWorkers.memoryMiB,
      // clips, music and the final encode are worked on locally
      ephemeralStorageGiB: 50,
    });
    cpuTask.addContainer('worker', {
      image,
      command: ['node', 'dist/apps/worker/src/main.js'],
      environment: {
        ...workerEnvironment,
        WORKER_QUEUES: 'plan,music,compose,asset',
        WORKER_CONCURRENCY: String(params.cpuWorkerConcurrency),
      },
      secrets: providerSecrets,
      logging: logging('cpu-worker'),
      stopTimeout: Duration.seconds(120),
    });
    const cpuSecurityGroup = new ec2.SecurityGroup(this, 'CpuWorkerSecurityGroup', {
      vpc,
      description: 'Reelsmith CPU workers',
    });
    const cpuWorkers = new ecs.FargateService(this, 'CpuWorkers', {
      cluster,
      taskDefinition: cpuTask,
      desiredCount: params.cpuWorkers.minTasks,
      securityGroups: [cpuSecurityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
    });
    cpuWorkers
      .autoScaleTaskCount({ minCapacity: params.cpuWorkers.minTasks, maxCapacity: params.cpuWorkers.maxTasks })
      .scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 70 });
    this.add('cpu-workers', 'worker', cpuWorkers, cpuTask, cpuSecurityGroup);

    // GPU workers: one fleet per model profile
    for (const profile of params.gpuProfiles) {
      const fleet = new GpuFleet(this, `Gpu-${profile.profile}`, {
        cluster,
        vpc,
        params: profile,
        ami: params.gpuAmi,
        image: gpuImage,
        environment: workerEnvironment,
        secrets: providerSecrets,
        logging: logging(`gpu-${profile.profile}`),
      });
      this.gpuFleets.push(fleet);
      this.add(`gpu-${profile.profile}`, 'worker', fleet.service, fleet.taskDefinition, fleet.securityGroup);
    }

    new CfnOutput(this, 'PublicUrl', { value: this.edge.publicUrl, description: 'the studio and the API' });
    new CfnOutput(this, 'OidcIssuer', { value: this.identity.issuer });
    new CfnOutput(this, 'StudioClientId', { value: this.identity.client.userPoolClientId });
    new CfnOutput(this, 'JobsTable', { value: this.table.tableName });
    new CfnOutput(this, 'ArtifactBucket', { value: this.bucket.bucketName });
  }

  /** Every service reaches Redis, the table and the bucket, and may publish the scaling metrics. */
  private add(
    name: string,
    tier: ProcessTier,
    service: ecs.BaseService,
    taskDefinition: ecs.TaskDefinition,
    securityGroup: ec2.ISecurityGroup,
  ): void {
    this.redis.allowFrom(securityGroup);
    this.table.grantReadWriteData(taskDefinition.taskRole);
    this.bucket.grantReadWrite(taskDefinition.taskRole);
    taskDefinition.addToTaskRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': SCALING_METRICS.namespace } },
      }),
    );
    this.services.push({ name, tier, service, taskDefinition });
  }
}
