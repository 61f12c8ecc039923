import { DeployParamsError, readDeployParams } from './deploy-params';

function problemsOf(context: Record<string, unknown>): string[] {
  try {
    readDeployParams(context);
  } catch (error) {
    if (error instanceof DeployParamsError) return error.problems;
    throw error;
  }
  throw new Error('expected a DeployParamsError');
}

describe(readDeployParams.name, () => {
  it('deploys one scale-to-zero GPU fleet per default profile when nothing is given', () => {
    const params = readDeployParams({});
    expect(params.gpuProfiles.map((p) => [p.profile, p.minTasks, p.maxTasks, p.instanceTypes])).toEqual([
      ['video_default', 0, 4, ['g5.xlarge', 'g6.xlarge']],
      ['video_long', 0, 4, ['g5.xlarge', 'g6.xlarge']],
      ['image_default', 0, 2, ['g5.xlarge', 'g6.xlarge']],
    ]);
    expect([params.api.minTasks, params.redisReplicas, params.natGateways, params.imageTag]).toEqual([
      2,
      1,
      1,
      'latest',
    ]);
  });

  it('reads values given on the command line as text, JSON included, and leaves CDK’s own keys alone', () => {
    const params = readDeployParams({
      natGateways: '2',
      gpuProfiles: '[{"profile": "video_long", "instanceTypes": ["p5.48xlarge"], "gpusPerTask": "8", "spot": true}]',
      '@aws-cdk/core:newStyleStackSynthesis': true,
      'aws:cdk:enable-path-metadata': true,
    });
    expect(params.natGateways).toBe(2);
    expect(params.gpuProfiles).toEqual([
      expect.objectContaining({ profile: 'video_long', gpusPerTask: 8, spot: true }),
    ]);
  });

  it('lists every bad parameter at once, a misspelt one included', () => {
    expect(
      problemsOf({
        gpuProfile: '[]',
        natGateways: 7,
        redisReplicas: 0,
        api: { minTasks: 5, maxTasks: 2 },
        gpuProfiles: [{ profile: 'Video!' }, { profile: 'video_long', instanceTypes: ['big'] }],
        domainNames: ['ads.example.com'],
      }),
    ).toEqual([
      expect.stringMatching(/^gpuProfile: not a deployment parameter; known: .*gpuProfiles/),
      'natGateways: Too big: expected number to be <=3',
      'api: minTasks must not exceed maxTasks',
      'gpuProfiles.0.profile: a profile name: a-z, 0-9, _',
      'gpuProfiles.1.instanceTypes.0: an instance type such as g5.xlarge',
      'redisReplicas: Multi-AZ failover needs at least one replica',
      'certificateArn: domainNames need certificateArn',
    ]);
  });

  it('wants a certificate with custom domain names, and origin name and certificate together', () => {
    expect(problemsOf({ domainNames: ['ads.example.com'], originDomainName: 'origin.example.com' })).toEqual([
      'certificateArn: domainNames need certificateArn',
      'originCertificateArn: originDomainName and originCertificateArn go together',
    ]);
  });
});
