import { aws_ec2 as ec2, aws_elasticache as elasticache } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface RedisProps {
  vpc: ec2.IVpc;
  nodeType: string;
  replicas: number;
}

/**
 * ElastiCache for Redis as BullMQ needs it: `maxmemory-policy noeviction` (an evicted job key is a
 * lost job), a primary with replicas in other AZs and automatic failover, TLS in transit, in the
 * private subnets, reachable only from the security groups given to `allowFrom`.
 */
export class Redis extends Construct {
  readonly url: string;
  readonly securityGroup: ec2.SecurityGroup;
  readonly parameterGroup: elasticache.CfnParameterGroup;

  constructor(scope: Construct, id: string, props: RedisProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Redis: reachable from the Reelsmith tasks only',
      allowAllOutbound: false,
    });
    const subnets = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'Reelsmith Redis private subnets',
      subnetIds: props.vpc.privateSubnets.map((s) => s.subnetId),
    });
    this.parameterGroup = new elasticache.CfnParameterGroup(this, 'Parameters', {
      cacheParameterGroupFamily: 'redis7',
      description: 'BullMQ: never evict keys',
      properties: { 'maxmemory-policy': 'noeviction' },
    });
    const group = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'Reelsmith queues and change notices',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: props.nodeType,
      numCacheClusters: props.replicas + 1,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      cacheParameterGroupName: this.parameterGroup.ref,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      snapshotRetentionLimit: 1,
      port: 6379,
    });
    this.url = `rediss://${group.attrPrimaryEndPointAddress}:${group.attrPrimaryEndPointPort}`;
  }

  allowFrom(peer: ec2.ISecurityGroup): void {
    this.securityGroup.addIngressRule(peer, ec2.Port.tcp(6379), 'Reelsmith task');
  }
}
