import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, type KeyLike, SignJWT } from 'jose';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

export interface SignOptions {
  /** `published` (default): the issuer's current key; `unpublished`: a key its JWKS does not list */
  key?: 'published' | 'unpublished';
  /** seconds from now; negative for an expired token (default 600) */
  expiresInSec?: number;
}

/**
 * A local OpenID Connect issuer as the API sees Cognito, Auth0 or Keycloak: the discovery document
 * at `<issuer>/.well-known/openid-configuration` names a JWKS, and tokens are RS256 JWTs signed with
 * a published key. The issuer URL has a path (like a Cognito pool or a Keycloak realm), so the
 * discovery URL is built from it, not from the host.
 */
export class OidcIssuerServer {
  readonly hits = { discovery: 0, jwks: 0, authorize: 0, token: 0 };
  /** who signs in at /authorize (a browser's sign-in, approved at once): the claims of their access token */
  signInAs: Record<string, unknown> = { sub: 'user-1', tenant: 'tenantA' };
  private readonly codes = new Map<
    string,
    { clientId: string; redirectUri: string; challenge: string; claims: Record<string, unknown> }
  >();
  private readonly published: SigningKey[] = [];
  private unpublished: SigningKey | null = null;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    readonly audience: string,
  ) {}

  static async start(options: { audience?: string } = {}): Promise<OidcIssuerServer> {
    let instance: OidcIssuerServer | null = null;
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const self = instance!;
      const base = new URL(self.issuer).pathname;
      if (req.method === 'GET' && path === `${base}/.well-known/openid-configuration`) {
        self.hits.discovery++;
        return json(res, {
          issuer: self.issuer,
          jwks_uri: `${self.issuer}/jwks`,
          authorization_endpoint: `${self.issuer}/authorize`,
          token_endpoint: `${self.issuer}/token`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      }
      if (req.method === 'GET' && path === `${base}/jwks`) {
        self.hits.jwks++;
        return json(res, { keys: self.published.map((k) => k.publicJwk) });
      }
      if (req.method === 'GET' && path === `${base}/authorize`) return self.authorize(req.url ?? '', res);
      if (req.method === 'OPTIONS' && path === `${base}/token`) return void res.writeHead(204, CORS).end();
      if (req.method === 'POST' && path === `${base}/token`) {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => void self.token(body, res));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    instance = new OidcIssuerServer(server, `http://127.0.0.1:${port}/pool-1`, options.audience ?? 'reelsmith-api');
    instance.published.push(await signingKey());
    return instance;
  }

  /**
   * An access token with `iss`, `aud`, `sub`, `iat` and `exp` filled in; `claims` override them
   * (`undefined` removes one).
   */
  async sign(claims: Record<string, unknown> = {}, options: SignOptions = {}): Promise<string> {
    const key = options.key === 'unpublished' ? (this.unpublished ??= await signingKey()) : this.published[0];
    return new SignJWT(this.payload(claims, options))
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  /**
   * The authorization endpoint of the Authorization Code flow with PKCE (RFC 7636, S256 only), as a
   * hosted sign-in page answers once the person has signed in: back to `redirect_uri` with a code.
   * The client id is the audience (a Cognito app client).
   */
  private authorize(url: string, res: ServerResponse): void {
    this.hits.authorize++;
    const q = new URL(url, 'http://x').searchParams;
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('response_type') !== 'code' || q.get('client_id') !== this.audience || !URL.canParse(redirectUri))
      return void res.writeHead(400).end('bad authorization request');
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge'))
      return void res.writeHead(400).end('PKCE with S256 is required');
    const code = randomUUID();
    this.codes.set(code, {
      clientId: this.audience,
      redirectUri,
      challenge: q.get('code_challenge')!,
      claims: { ...this.signInAs },
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    if (q.get('state') !== null) back.searchParams.set('state', q.get('state')!);
    res.writeHead(302, { location: back.toString() }).end();
  }

  /** The token endpoint: a code once, for the verifier whose S256 hash the authorization carried. */
  private async token(body: string, res: ServerResponse): Promise<void> {
    this.hits.token++;
    const form = new URLSearchParams(body);
    const grant = this.codes.get(form.get('code') ?? '');
    this.codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const ok =
      grant &&
      form.get('grant_type') === 'authorization_code' &&
      form.get('client_id') === grant.clientId &&
      form.get('redirect_uri') === grant.redirectUri &&
      createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
    if (!ok)
      return void res.writeHead(400, { ...CORS, 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
    const accessToken = await this.sign({ ...grant.claims, token_use: 'access' });
    res
      .writeHead(200, { ...CORS, 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: 600 }));
  }

  /** The same token unsigned (`alg: none`), as an attacker would forge it. */
  unsigned(claims: Record<string, unknown> = {}): string {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(this.payload(claims, {}))}.`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private payload(claims: Record<string, unknown>, options: SignOptions): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      iss: this.issuer,
      aud: this.audience,
      sub: 'user-1',
      iat: now,
      exp: now + (options.expiresInSec ?? 600),
      ...claims,
    };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return payload;
  }
}

async function signingKey(): Promise<SigningKey> {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** Browsers exchange the code from the studio's origin. */
const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' };

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
