import { runInNewContext } from 'node:vm';
import { type CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadConfig, productionVariablesFor } from '@app/config';
import { jobsTableDefinition } from '@app/persistence';
import { SCALING_METRICS } from '@app/pipeline';
import { ALB_IDLE_TIMEOUT_SEC } from './edge.construct';
import { buildReelsmithApp } from './main';
import { TOKEN_CLAIMS_HANDLER } from './studio-identity.construct';

interface ContainerDefinition {
  Environment?: Array<{ Name: string; Value: unknown }>;
  Secrets?: Array<{ Name: string; ValueFrom: unknown }>;
  ResourceRequirements?: Array<{ Type: string; Value: string }>;
  HealthCheck?: { Command: string[] };
}

// One synth for the whole file: two GPU fleets, one on demand and allowed to scale to zero, one on
// Spot that is not, and provider secrets configured.
const { app, stack } = buildReelsmithApp({
  openaiSecretName: 'reelsmith/openai',
  replicateSecretName: 'reelsmith/replicate',
  gpuProfiles: JSON.stringify([
    { profile: 'video_default', gpusPerTask: 2, instanceTypes: ['g6e.12xlarge', 'g5.12xlarge'], backlogPerTask: 3 },
    { profile: 'video_long', minTasks: 1, maxTasks: 2, spot: true },
  ]),
});
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnResource);
const containerOf = (service: (typeof stack.services)[number]): ContainerDefinition =>
  (resources[logicalId(service.taskDefinition)].Properties.ContainerDefinitions as ContainerDefinition[])[0];
const envOf = (c: ContainerDefinition) => new Map((c.Environment ?? []).map((e) => [e.Name, e.Value]));

describe('ReelsmithStack', () => {
  it('synthesises offline: no lookups left for an account to answer', () => {
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });

  it("builds the jobs table from the code's own definition: keys, attribute types, index, billing", () => {
    const definition = jobsTableDefinition('any');
    const tables = template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(1);
    const table = Object.values(tables)[0].Properties;
    expect(table.KeySchema).toEqual(definition.KeySchema);
    expect(table.BillingMode).toBe(definition.BillingMode);
    expect(table.GlobalSecondaryIndexes).toEqual(definition.GlobalSecondaryIndexes);
    const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }) =>
      a.AttributeName!.localeCompare(b.AttributeName!);
    expect([...table.AttributeDefinitions].sort(byName)).toEqual([...definition.AttributeDefinitions!].sort(byName));
  });

  it('gives every service the variables production demands of its tier, secrets as ECS secrets', () => {
    expect(stack.services.map((s) => [s.name, s.tier])).toEqual([
      ['api', 'api'],
      ['cpu-workers', 'worker'],
      ['gpu-video_default', 'worker'],
      ['gpu-video_long', 'worker'],
    ]);
    // no service escapes the check
    expect(Object.keys(template.findResources('AWS::ECS::Service')).sort()).toEqual(
      stack.services.map((s) => logicalId(s.service)).sort(),
    );
    for (const service of stack.services) {
      const container = containerOf(service);
      const env = envOf(container);
      const secrets = (container.Secrets ?? []).map((s) => s.Name);
      expect(env.get('NODE_ENV')).toBe('production');
      for (const variable of productionVariablesFor(service.tier)) {
        const where = `${service.name}: ${variable.name}`;
        if (variable.secret) {
          expect([where, secrets.includes(variable.name), env.has(variable.name)]).toEqual([where, true, false]);
        } else {
          expect([where, env.has(variable.name)]).toEqual([where, true]);
        }
      }
      expect(secrets).toEqual(expect.arrayContaining(['OPENAI_API_KEY', 'REPLICATE_API_TOKEN']));
    }
  });

  it('sets values the config accepts in production for each tier', () => {
    // What CloudFormation fills in at deploy time, as it would look.
    const deployed: Record<string, string> = {
      REDIS_URL: 'rediss://master.reelsmith.cache.amazonaws.com:6379',
      DYNAMODB_TABLE: 'Reelsmith-Jobs-1ABC',
      S3_BUCKET: 'reelsmith-artifacts-1abc',
      AWS_REGION: 'eu-west-1',
      OIDC_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
      OIDC_AUDIENCE: '4example0client0id',
      API_KEYS: `sha256:${'a'.repeat(64)}=acme:admin`,
      OPENAI_API_KEY: 'sk-live',
      REPLICATE_API_TOKEN: 'r8_live',
    };
    for (const service of stack.services) {
      const container = containerOf(service);
      const env: NodeJS.ProcessEnv = {};
      for (const [name, value] of envOf(container)) env[name] = typeof value === 'string' ? value : deployed[name];
      for (const { Name } of container.Secrets ?? []) env[Name] = deployed[Name];
      expect([service.name, Object.entries(env).filter(([, v]) => v === undefined)]).toEqual([service.name, []]);
      const config = loadConfig(env, service.tier);
      expect(config.production).toBe(true);
      if (service.tier === 'api') expect(config.oidc?.issuer).toBe(deployed.OIDC_ISSUER);
    }
  });

  it('runs each GPU fleet on its profile and GPUs, scaled on that profile’s backlog per task', () => {
    const [cpu, gpuDefault, gpuLong] = stack.services.slice(1);
    expect(envOf(containerOf(cpu)).get('WORKER_QUEUES')).toBe('plan,music,compose,asset');
    for (const [service, profile, gpus, devices, target] of [
      [gpuDefault, 'video_default', '2', '0,1', 3],
      [gpuLong, 'video_long', '1', '0', 2],
    ] as const) {
      const container = containerOf(service);
      expect(container.ResourceRequirements).toEqual([{ Type: 'GPU', Value: gpus }]);
      const env = envOf(container);
      expect([env.get('WORKER_QUEUES'), env.get('WORKER_PROFILES'), env.get('GPU_DEVICES')]).toEqual([
        'scene',
        profile,
        devices,
      ]);
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        PolicyType: 'TargetTrackingScaling',
        ScalingTargetId: { Ref: Match.stringLikeRegexp(`Gpu${profile.replace('_', '')}ServiceTaskCountTarget`) },
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          TargetValue: target,
          CustomizedMetricSpecification: Match.objectLike({
            Namespace: SCALING_METRICS.namespace,
            MetricName: SCALING_METRICS.backlogPerTask,
            Dimensions: [{ Name: SCALING_METRICS.profileDimension, Value: profile }],
          }),
        }),
      });
    }
    // only the fleet that may scale to zero needs waking from zero
    const wake = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: SCALING_METRICS.backlogWithoutWorkers, Namespace: SCALING_METRICS.namespace },
    });
    expect(Object.values(wake).map((a) => a.Properties.Dimensions)).toEqual([
      [{ Name: SCALING_METRICS.profileDimension, Value: 'video_default' }],
    ]);
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        ImageId: { Ref: Match.stringLikeRegexp('ecsoptimizedamiamazonlinux2023gpu') },
      }),
    });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MixedInstancesPolicy: Match.objectLike({
        LaunchTemplate: Match.objectLike({
          Overrides: [{ InstanceType: 'g6e.12xlarge' }, { InstanceType: 'g5.12xlarge' }],
        }),
      }),
    });
  });

  it('has every worker publish the scaling metrics in the namespace the policies read and the task roles may write', () => {
    const publishing = stack.services.map((s) => [s.name, envOf(containerOf(s)).get('SCALING_METRICS_NAMESPACE')]);
    expect(publishing).toEqual([
      ['api', undefined],
      ['cpu-workers', SCALING_METRICS.namespace],
      ['gpu-video_default', SCALING_METRICS.namespace],
      ['gpu-video_long', SCALING_METRICS.namespace],
    ]);
    const putters = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Array<{ Action: unknown; Condition?: unknown }> }).Statement,
    );
    const conditions = putters.filter((st) => st.Action === 'cloudwatch:PutMetricData').map((st) => st.Condition);
    expect(conditions).toHaveLength(stack.services.length);
    for (const condition of conditions)
      expect(condition).toEqual({ StringEquals: { 'cloudwatch:namespace': SCALING_METRICS.namespace } });
  });

  it('runs a Spot fleet on Spot capacity only, draining an instance on its interruption notice', () => {
    const groups = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'));
    const spotShare = groups.map(
      (g) =>
        (
          g.Properties.MixedInstancesPolicy as {
            InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: number };
          }
        ).InstancesDistribution.OnDemandPercentageAboveBaseCapacity,
    );
    expect(spotShare.sort()).toEqual([0, 100]);
    const userData = Object.entries(template.findResources('AWS::EC2::LaunchTemplate')).map(([id, t]) => [
      id.replace(/Template.*/, ''),
      JSON.stringify(t.Properties.LaunchTemplateData).includes('ECS_ENABLE_SPOT_INSTANCE_DRAINING=true'),
    ]);
    expect(userData.sort()).toEqual([
      ['Gpuvideodefault', false],
      ['Gpuvideolong', true],
    ]);
  });

  it('lets GPU tasks (and only them) hold ECS scale-in protection', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy'));
    const holders = policies
      .filter(([, p]) => JSON.stringify(p).includes('ecs:UpdateTaskProtection'))
      .flatMap(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).map((r) => r.Ref));
    const gpuTaskRoles = stack.services
      .filter((s) => s.name.startsWith('gpu-'))
      .map((s) => logicalId(s.taskDefinition.taskRole));
    expect(holders.sort()).toEqual(gpuTaskRoles.sort());
  });

  it('keeps SSE streams open at the load balancer and checks health on /healthz', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: String(ALB_IDLE_TIMEOUT_SEC) },
      ]),
    });
    expect(ALB_IDLE_TIMEOUT_SEC).toBeGreaterThanOrEqual(3600);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/healthz',
      TargetType: 'ip',
    });
    expect(containerOf(stack.services[0]).HealthCheck?.Command.join(' ')).toContain('/healthz');
  });

  it('runs Redis as BullMQ needs it: noeviction, Multi-AZ failover, TLS, reachable from the tasks only', () => {
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      Properties: { 'maxmemory-policy': 'noeviction' },
    });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      TransitEncryptionEnabled: true,
      NumCacheClusters: 2,
    });
    const redisGroup = logicalId(stack.redis.securityGroup);
    const sources = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => (r.Properties.GroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt']?.[0] === redisGroup)
      .map((r) => (r.Properties.SourceSecurityGroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]);
    const taskGroups = stack.services.map((s) =>
      stack.getLogicalId(s.service.connections.securityGroups[0].node.defaultChild as CfnResource),
    );
    expect(sources.sort()).toEqual(taskGroups.sort());
  });

  it('keeps artifacts private, encrypted, TLS-only, and expires scratch prefixes', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'tmp/', ExpirationInDays: 7, Status: 'Enabled' })]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('signs the studio in with Cognito (code flow, no secret) and tells the API its issuer and client', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    const env = envOf(containerOf(stack.services[0]));
    expect(env.get('OIDC_ISSUER')).toEqual({ 'Fn::GetAtt': [logicalId(stack.identity.userPool), 'ProviderURL'] });
    expect(env.get('OIDC_AUDIENCE')).toEqual({ Ref: logicalId(stack.identity.client) });
  });

  it('puts the tenant claim and, for the admin group, the admin scope into access tokens', async () => {
    const handler = (source: string) => {
      const sandbox = { exports: {} as { handler?: (e: unknown) => Promise<unknown> } };
      runInNewContext(source, sandbox);
      return sandbox.exports.handler!;
    };
    const lambdas = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(lambdas.map((l) => (l.Properties.Code as { ZipFile: string }).ZipFile)).toEqual([TOKEN_CLAIMS_HANDLER]);
    const event = (attributes: Record<string, string>, groups: string[]) => ({
      request: { userAttributes: attributes, groupConfiguration: { groupsToOverride: groups } },
      response: {},
    });
    const admin = (await handler(TOKEN_CLAIMS_HANDLER)(event({ 'custom:tenant': 'acme' }, ['reelsmith-admins']))) as {
      response: unknown;
    };
    expect(admin.response).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme' }, scopesToAdd: ['reelsmith:admin'] },
        idTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme' } },
      },
    });
    const user = (await handler(TOKEN_CLAIMS_HANDLER)(event({}, []))) as { response: unknown };
    expect(user.response).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: {}, scopesToAdd: [] },
        idTokenGeneration: { claimsToAddOrOverride: {} },
      },
    });
  });

  it('serves the studio and the API through CloudFront: static files cached, the API never', () => {
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0].Properties
      .DistributionConfig as {
      DefaultCacheBehavior: { CachePolicyId: { Ref: string } };
      CacheBehaviors: Array<{ PathPattern: string; CachePolicyId: { Ref: string }; AllowedMethods: string[] }>;
    };
    const policies = template.findResources('AWS::CloudFront::CachePolicy');
    const ttlOf = (ref: { Ref: string }) =>
      (policies[ref.Ref].Properties.CachePolicyConfig as { DefaultTTL: number; MaxTTL: number }).DefaultTTL;
    expect(ttlOf(distribution.DefaultCacheBehavior.CachePolicyId)).toBeGreaterThan(0);
    const v1 = distribution.CacheBehaviors.find((b) => b.PathPattern === '/v1/*')!;
    expect(ttlOf(v1.CachePolicyId)).toBe(0);
    expect(v1.AllowedMethods).toEqual(expect.arrayContaining(['POST', 'GET']));
    expect(JSON.stringify(policies[v1.CachePolicyId.Ref])).toContain('Authorization');
  });
});
