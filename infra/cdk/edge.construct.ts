import {
  Duration,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_cloudfront_origins as origins,
  type aws_ec2 as ec2,
  aws_elasticloadbalancingv2 as elbv2,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Routes that must reach the API uncached, with the caller's credentials. */
export const UNCACHED_PATHS = ['/v1/*', '/healthz', '/readyz', '/docs*', '/admin/*'];
/** SSE streams idle between heartbeats (15 s) and live as long as a job: the ALB must not cut them. */
export const ALB_IDLE_TIMEOUT_SEC = 3600;
const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

export interface EdgeProps {
  vpc: ec2.IVpc;
  /** CloudFront alternate domain names and their ACM certificate (us-east-1) */
  domainNames: string[];
  certificateArn?: string;
  /** HTTPS between CloudFront and the ALB: the ALB's DNS name and its regional certificate */
  originDomainName?: string;
  originCertificateArn?: string;
}

/**
 * CloudFront in front of the API's load balancer: the studio's static files and the API on one
 * origin (so the studio calls the API without CORS), static files cached as the API's
 * Cache-Control says, the API and its event streams never cached. The ALB answers only requests
 * that carry CloudFront's secret origin header, so it cannot be used to bypass CloudFront.
 */
export class Edge extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly distribution: cloudfront.Distribution;
  /** the studio's public base URL, e.g. https://d111111abcdef8.cloudfront.net */
  readonly publicUrl: string;
  private readonly originSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: true,
      idleTimeout: Duration.seconds(ALB_IDLE_TIMEOUT_SEC),
      dropInvalidHeaderFields: true,
    });
    const https = Boolean(props.originDomainName && props.originCertificateArn);
    this.listener = this.loadBalancer.addListener('Listener', {
      port: https ? 443 : 80,
      protocol: https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      certificates: https ? [acm.Certificate.fromCertificateArn(this, 'OriginCert', props.originCertificateArn!)] : [],
      defaultAction: elbv2.ListenerAction.fixedResponse(403, {
        contentType: 'application/json',
        messageBody: '{"error":{"code":"HTTP.403","message":"use the public address"}}',
      }),
    });
    this.listener.addAction('NoPublicMetrics', {
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/metrics'])],
      action: elbv2.ListenerAction.fixedResponse(404),
    });
    this.originSecret = new secretsmanager.Secret(this, 'OriginVerify', {
      description: 'CloudFront → ALB: proves a request came through CloudFront',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });

    const origin = new origins.HttpOrigin(https ? props.originDomainName! : this.loadBalancer.loadBalancerDnsName, {
      protocolPolicy: https ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      customHeaders: { [ORIGIN_VERIFY_HEADER]: this.originSecret.secretValue.unsafeUnwrap() },
      // SSE: the heartbeat (15 s) keeps a stream inside the origin read timeout
      readTimeout: Duration.seconds(60),
      keepaliveTimeout: Duration.seconds(60),
    });
    // CloudFront forwards Authorization only as part of a cache key; with no TTL from the API
    // nothing is stored, and a stored answer would be keyed by the caller's credentials anyway.
    const apiPolicy = new cloudfront.CachePolicy(this, 'ApiPassThrough', {
      comment: 'Reelsmith API: not cached, credentials forwarded',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Authorization', 'x-api-key'),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    });
    const staticPolicy = new cloudfront.CachePolicy(this, 'StudioAssets', {
      comment: 'Reelsmith studio files: cached as the API says (hashed assets for long, index briefly)',
      defaultTtl: Duration.minutes(5),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.days(365),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const api: cloudfront.BehaviorOptions = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: apiPolicy,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: false,
    };
    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'Reelsmith studio and API',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachePolicy: staticPolicy,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(UNCACHED_PATHS.map((path) => [path, api])),
      domainNames: props.domainNames.length ? props.domainNames : undefined,
      certificate: props.certificateArn
        ? acm.Certificate.fromCertificateArn(this, 'Cert', props.certificateArn)
        : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    });
    this.publicUrl = `https://${props.domainNames[0] ?? this.distribution.distributionDomainName}`;
  }

  /** The API's targets answer only requests that came through CloudFront. */
  forwardToApi(targetGroup: elbv2.ApplicationTargetGroup): void {
    this.listener.addAction('FromCloudFront', {
      priority: 10,
      conditions: [
        elbv2.ListenerCondition.httpHeader(ORIGIN_VERIFY_HEADER, [this.originSecret.secretValue.unsafeUnwrap()]),
      ],
      action: elbv2.ListenerAction.forward([targetGroup]),
    });
  }
}
