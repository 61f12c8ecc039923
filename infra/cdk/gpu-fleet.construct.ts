import {
  Duration,
  aws_applicationautoscaling as appscaling,
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { type GpuProfileParams } from './deploy-params';
import { backlogPerTaskMetric, backlogWithoutWorkersMetric } from './scaling-metrics';

export interface GpuFleetProps {
  cluster: ecs.Cluster;
  vpc: ec2.IVpc;
  params: GpuProfileParams;
  ami: 'al2023' | 'al2';
  image: ecs.ContainerImage;
  environment: Record<string, string>;
  secrets: Record<string, ecs.Secret>;
  logging: ecs.LogDriver;
}

/**
 * The scene workers of one model profile on GPU instances: an Auto Scaling group of the profile's
 * instance types (ECS GPU-optimised AMI) as an ECS capacity provider, and a service whose tasks
 * each own `gpusPerTask` GPUs. ECS scales the tasks on the profile's backlog per task; the
 * capacity provider launches and retires instances to fit them. A task holds scale-in protection
 * while a slot runs a scene, so scaling in never kills a paid generation.
 */
export class GpuFleet extends Construct {
  readonly service: ecs.Ec2Service;
  readonly taskDefinition: ecs.Ec2TaskDefinition;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: GpuFleetProps) {
    super(scope, id);
    const { params } = props;
    const hardware = ecs.AmiHardwareType.GPU;
    const machineImage =
      props.ami === 'al2023'
        ? ecs.EcsOptimizedImage.amazonLinux2023(hardware)
        : ecs.EcsOptimizedImage.amazonLinux2(hardware);
    const hosts = new ec2.SecurityGroup(this, 'HostSecurityGroup', {
      vpc: props.vpc,
      description: `GPU hosts of ${params.profile}`,
    });
    const userData = ec2.UserData.forLinux();
    // ECS drains a Spot instance on its two-minute notice, so queued work moves before it goes
    if (params.spot) userData.addCommands('echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config');
    const template = new ec2.LaunchTemplate(this, 'Template', {
      machineImage,
      userData,
      securityGroup: hosts,
      requireImdsv2: true,
      // the ECS agent registers the instance with it (the cluster adds the ECS permissions)
      role: new iam.Role(this, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }),
      // model weights and the image's CUDA layers need room
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(200, { volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true }),
        },
      ],
    });
    const group = new autoscaling.AutoScalingGroup(this, 'Hosts', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      minCapacity: 0,
      // at most one instance per task: the capacity provider packs tasks onto fewer when they fit
      maxCapacity: params.maxTasks,
      mixedInstancesPolicy: {
        launchTemplate: template,
        launchTemplateOverrides: params.instanceTypes.map((t) => ({ instanceType: new ec2.InstanceType(t) })),
        instancesDistribution: params.spot
          ? {
              onDemandBaseCapacity: 0,
              onDemandPercentageAboveBaseCapacity: 0,
              spotAllocationStrategy: autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
            }
          : {
              onDemandPercentageAboveBaseCapacity: 100,
              onDemandAllocationStrategy: autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
            },
      },
    });
    const capacity = new ecs.AsgCapacityProvider(this, 'Capacity', {
      autoScalingGroup: group,
      enableManagedScaling: true,
      enableManagedTerminationProtection: true,
      targetCapacityPercent: 100,
      machineImageType: ecs.MachineImageType.AMAZON_LINUX_2,
    });
    props.cluster.addAsgCapacityProvider(capacity);

    this.taskDefinition = new ecs.Ec2TaskDefinition(this, 'Task', { networkMode: ecs.NetworkMode.AWS_VPC });
    this.taskDefinition.addContainer('worker', {
      image: props.image,
      command: ['node', 'dist/apps/worker/src/main.js'],
      gpuCount: params.gpusPerTask,
      cpu: params.cpu,
      memoryReservationMiB: params.memoryMiB,
      environment: {
        ...props.environment,
        WORKER_QUEUES: 'scene',
        WORKER_PROFILES: params.profile,
        // ECS exposes a task's GPUs to it numbered from 0
        GPU_DEVICES: Array.from({ length: params.gpusPerTask }, (_, i) => String(i)).join(','),
        ONNX_EXECUTION_PROVIDERS: 'cuda,cpu',
      },
      secrets: props.secrets,
      logging: props.logging,
      // BullMQ needs time to hand back what it holds; a running scene keeps its task protected anyway
      stopTimeout: Duration.seconds(120),
    });
    props.cluster.grantTaskProtection(this.taskDefinition.taskRole);

    this.securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: `scene workers of ${params.profile}`,
    });
    this.service = new ecs.Ec2Service(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: params.minTasks,
      securityGroups: [this.securityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      capacityProviderStrategies: [{ capacityProvider: capacity.capacityProviderName, weight: 1 }],
      placementStrategies: [ecs.PlacementStrategy.packedByMemory()],
      circuitBreaker: { rollback: true },
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
    });

    const scaling = this.service.autoScaleTaskCount({ minCapacity: params.minTasks, maxCapacity: params.maxTasks });
    scaling.scaleToTrackCustomMetric('BacklogPerTask', {
      metric: backlogPerTaskMetric(params.profile),
      targetValue: params.backlogPerTask,
      scaleOutCooldown: Duration.minutes(1),
      // a GPU task is slow to come back: do not give one up for a short lull
      scaleInCooldown: Duration.minutes(10),
    });
    if (params.minTasks === 0) {
      scaling.scaleOnMetric('WakeFromZero', {
        metric: backlogWithoutWorkersMetric(params.profile),
        scalingSteps: [
          { upper: 0, change: 0 },
          { lower: 1, change: 1 },
        ],
        adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        // an instance launch and an image pull take minutes: do not add a second task meanwhile
        cooldown: Duration.minutes(10),
        evaluationPeriods: 1,
      });
    }
  }
}
