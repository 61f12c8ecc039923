import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { APP_CONFIG, type AppConfig, type OidcConfig, TENANT_ID } from '@app/config';
import { AppError, Errors } from '@app/domain';
import { type Caller } from './caller';

/** Asymmetric algorithms only: a symmetric one would let anyone holding a public key sign tokens. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const FETCH_TIMEOUT_MS = 5_000;
/** a failed discovery is not retried by every request while the issuer is down */
const DISCOVERY_RETRY_MS = 10_000;
const SAFE_SUBJECT = /^[A-Za-z0-9_.@|:+-]{1,128}$/;

/**
 * Verifies OIDC access tokens (JWT) against the issuer's keys, found through its discovery document
 * (Cognito, Auth0, Keycloak). The document is fetched once; jose's remote key set caches the JWKS
 * and refetches it when a token names a key it does not hold (key rotation), no more often than its
 * cooldown. The tenant comes from the claim OIDC_TENANT_CLAIM; OIDC_ADMIN_SCOPE grants the admin role.
 */
@Injectable()
export class OidcTokenVerifier {
  private readonly logger = new Logger(OidcTokenVerifier.name);
  private readonly oidc: OidcConfig | null;
  private keys: Promise<Discovered> | null = null;
  private failedAt = 0;
  /** the endpoints of the last successful discovery, for the studio's sign-in and its CSP */
  private discovered: Discovered['endpoints'] | null = null;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'oidc'>) {
    this.oidc = config.oidc;
  }

  get enabled(): boolean {
    return this.oidc !== null;
  }

  /** A bearer credential shaped like a JWT is a token; anything else is an API key. */
  static looksLikeJwt(credential: string): boolean {
    return JWT_SHAPE.test(credential);
  }

  async verify(token: string): Promise<Caller> {
    const oidc = this.oidc;
    if (!oidc) throw unauthorized('access tokens are not accepted here');
    const { keys } = await this.keySet(oidc);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: oidc.issuer,
        algorithms: ALGORITHMS,
        clockTolerance: oidc.clockToleranceSec,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw this.rejection(error);
    }
    if (!audienceMatches(payload, oidc.audience)) throw unauthorized('the token is meant for another audience');
    // Cognito marks its tokens; an ID token is not an access token even when its audience fits.
    if (payload.token_use !== undefined && payload.token_use !== 'access')
      throw unauthorized('the token is not an access token');
    const tenantId = payload[oidc.tenantClaim];
    if (typeof tenantId !== 'string' || !TENANT_ID.test(tenantId)) {
      throw new AppError(Errors.noTenant, `the token has no valid "${oidc.tenantClaim}" claim naming a tenant`);
    }
    const scopes = scopesOf(payload);
    const subject = payload.sub!;
    return {
      tenantId,
      actor: `${tenantId}/sub:${SAFE_SUBJECT.test(subject) ? subject : createHash('sha256').update(subject).digest('hex').slice(0, 12)}`,
      roles: scopes.includes(oidc.adminScope) ? ['admin'] : [],
      scopes,
      via: 'oidc',
    };
  }

  /**
   * Where a browser signs in (Authorization Code + PKCE): the issuer's authorization and token
   * endpoints from its discovery document. Null when OIDC is not configured; 503 while it cannot be fetched.
   */
  async signInEndpoints(): Promise<Discovered['endpoints'] | null> {
    if (!this.oidc) return null;
    return (await this.keySet(this.oidc)).endpoints;
  }

  /** The token endpoint's origin once discovered (the studio posts to it), else null. */
  get tokenEndpointOrigin(): string | null {
    return this.discovered?.tokenEndpoint ? new URL(this.discovered.tokenEndpoint).origin : null;
  }

  private keySet(oidc: OidcConfig): Promise<Discovered> {
    if (!this.keys && Date.now() - this.failedAt < DISCOVERY_RETRY_MS) {
      return Promise.reject(unavailable(`the issuer's discovery document could not be fetched`));
    }
    this.keys ??= discover(oidc.issuer).then(
      (found) => {
        this.discovered = found.endpoints;
        return found;
      },
      (error: unknown) => {
        this.logger.error(`OIDC discovery at ${oidc.issuer} failed: ${(error as Error).message}`);
        this.keys = null;
        this.failedAt = Date.now();
        throw unavailable(`the issuer's discovery document could not be fetched`);
      },
    );
    return this.keys;
  }

  /** 401 naming what is wrong with the token; 503 when the issuer's keys cannot be fetched. */
  private rejection(error: unknown): AppError {
    if (!(error instanceof errors.JOSEError)) {
      this.logger.warn(`OIDC key set unreachable: ${(error as Error).message}`);
      return unavailable(`the issuer's keys could not be fetched`);
    }
    switch (error.code) {
      case errors.JWTExpired.code:
        return unauthorized('the token has expired');
      case errors.JWTClaimValidationFailed.code: {
        const { claim, reason } = error as errors.JWTClaimValidationFailed;
        if (claim === 'iss') return unauthorized('the token was issued by another issuer');
        if (claim === 'nbf') return unauthorized('the token is not valid yet');
        return unauthorized(`the token's "${claim}" claim is ${reason === 'missing' ? 'missing' : 'not valid'}`);
      }
      case errors.JOSEAlgNotAllowed.code:
      case errors.JOSENotSupported.code:
        return unauthorized(`the token's signing algorithm is not accepted`);
      case errors.JWKSNoMatchingKey.code:
      case errors.JWKSMultipleMatchingKeys.code:
        return unauthorized(`the token is signed with a key the issuer does not publish`);
      case errors.JWSSignatureVerificationFailed.code:
        return unauthorized(`the token's signature is not valid`);
      case errors.JWKSTimeout.code:
      case errors.JWKSInvalid.code:
      case errors.JOSEError.code:
        this.logger.warn(`OIDC key set unusable: ${error.message}`);
        return unavailable(`the issuer's keys could not be fetched`);
      default:
        return unauthorized('the token is malformed');
    }
  }
}

interface Discovered {
  keys: JWTVerifyGetKey;
  endpoints: { authorizationEndpoint: string | null; tokenEndpoint: string | null };
}

/** The discovery document must name this very issuer (OIDC Discovery §4.3) and a JWKS. */
async function discover(issuer: string): Promise<Discovered> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const document = (await response.json()) as {
    issuer?: unknown;
    jwks_uri?: unknown;
    authorization_endpoint?: unknown;
    token_endpoint?: unknown;
  };
  if (document.issuer !== issuer) throw new Error(`${url} names issuer ${String(document.issuer)}, not ${issuer}`);
  if (typeof document.jwks_uri !== 'string' || !URL.canParse(document.jwks_uri))
    throw new Error(`${url} has no jwks_uri`);
  const endpoint = (value: unknown) => (typeof value === 'string' && URL.canParse(value) ? value : null);
  return {
    keys: createRemoteJWKSet(new URL(document.jwks_uri), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    }),
    endpoints: {
      authorizationEndpoint: endpoint(document.authorization_endpoint),
      tokenEndpoint: endpoint(document.token_endpoint),
    },
  };
}

/** `aud` holds the audience; a Cognito access token has none and names its app client in `client_id`. */
function audienceMatches(payload: JWTPayload, audience: string): boolean {
  const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  return aud.length ? aud.includes(audience) : payload.client_id === audience;
}

/** `scope` is space-separated (RFC 8693, Cognito, Auth0, Keycloak); Okta and Entra use `scp`. */
function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(' ') : [];
  return list.filter((s): s is string => typeof s === 'string' && s.length > 0);
}

function unauthorized(message: string): AppError {
  return new AppError(Errors.unauthorized, message);
}

function unavailable(message: string): AppError {
  return new AppError(Errors.authUnavailable, message);
}
