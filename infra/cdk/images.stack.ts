import { Duration, RemovalPolicy, Stack, type StackProps, aws_ecr as ecr } from 'aws-cdk-lib';
import { type Construct } from 'constructs';

/**
 * The image repository, in a stack of its own: it must exist, with an image pushed, before the
 * services that run the image are deployed.
 */
export class ReelsmithImagesStack extends Stack {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: StackProps & { repositoryName: string }) {
    super(scope, id, props);
    this.repository = new ecr.Repository(this, 'Repository', {
      repositoryName: props.repositoryName,
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.MUTABLE,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { description: 'untagged layers', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(14) },
      ],
    });
  }
}
