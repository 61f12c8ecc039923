import { Duration, RemovalPolicy, aws_cognito as cognito, aws_lambda as lambda } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The claim and scope the API reads (OIDC_TENANT_CLAIM, OIDC_ADMIN_SCOPE); the trigger writes them. */
export const TENANT_CLAIM = 'tenant';
export const ADMIN_SCOPE = 'reelsmith:admin';
export const ADMIN_GROUP = 'reelsmith-admins';

/**
 * Cognito puts neither custom attributes nor group-based scopes into access tokens by itself. This
 * pre-token-generation trigger (V2) copies the user's `custom:tenant` into the access token's
 * `tenant` claim and adds the admin scope for members of the admin group.
 */
export const TOKEN_CLAIMS_HANDLER = `
exports.handler = async (event) => {
  const tenant = (event.request.userAttributes || {})['custom:${TENANT_CLAIM}'];
  const groups = (event.request.groupConfiguration || {}).groupsToOverride || [];
  const claims = tenant ? { ${TENANT_CLAIM}: tenant } : {};
  event.response = {
    claimsAndScopeOverrideDetails: {
      accessTokenGeneration: {
        claimsToAddOrOverride: claims,
        scopesToAdd: groups.includes('${ADMIN_GROUP}') ? ['${ADMIN_SCOPE}'] : [],
      },
      idTokenGeneration: { claimsToAddOrOverride: claims },
    },
  };
  return event;
};
`;

export interface StudioIdentityProps {
  domainPrefix: string;
  /** where Cognito may send the browser back after sign-in and sign-out */
  callbackUrls: string[];
}

/**
 * Sign-in for the studio: a user pool (no self sign-up: an administrator creates users and sets
 * their tenant) and a public app client using Authorization Code with PKCE, no client secret.
 * `issuer` and `clientId` become the API's OIDC_ISSUER and OIDC_AUDIENCE.
 */
export class StudioIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: StudioIdentityProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      customAttributes: { [TENANT_CLAIM]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const claims = new lambda.Function(this, 'TokenClaims', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(TOKEN_CLAIMS_HANDLER),
      timeout: Duration.seconds(5),
      description: 'Reelsmith: tenant claim and admin scope in access tokens',
    });
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, claims, cognito.LambdaVersion.V2_0);
    this.userPool.addGroup('Admins', { groupName: ADMIN_GROUP, description: 'Reelsmith administrators' });
    this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    const standard = new cognito.ClientAttributes().withStandardAttributes({ email: true, fullname: true });
    this.client = this.userPool.addClient('Studio', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.callbackUrls,
      },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // Users may read their tenant but never write it: it decides whose jobs they see.
      readAttributes: standard.withCustomAttributes(TENANT_CLAIM),
      writeAttributes: standard,
    });
    this.issuer = this.userPool.userPoolProviderUrl;
  }
}
