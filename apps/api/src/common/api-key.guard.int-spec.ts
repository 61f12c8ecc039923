import { createHash } from 'node:crypto';
import { Controller, Get, type INestApplication, Req } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { loadConfig } from '@app/config';
import { OidcIssuerServer, startTestEnv, type TestEnv } from '@app/testing';
import { ApiModule } from '../api.module';
import { AdminOnly, type TenantRequest } from './api-key.guard';
import { OidcTokenVerifier } from './oidc-token.verifier';

/** Nothing in the API is admin-only yet: this route stands for the admin routes to come. */
@Controller('test/admin')
@AdminOnly()
class AdminProbeController {
  @Get()
  who(@Req() req: TenantRequest) {
    return { tenantId: req.tenantId, actor: req.actor, roles: req.roles, scopes: req.scopes };
  }
}

const BRIEF = { brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough.', durationSec: 6 };
const hex = (key: string) => createHash('sha256').update(key).digest('hex');

describe('AuthGuard over HTTP (API keys and OIDC access tokens)', () => {
  let issuer: OidcIssuerServer;
  let env: TestEnv;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let jobOfA: string;

  beforeAll(async () => {
    issuer = await OidcIssuerServer.start({ audience: 'reelsmith-api' });
    env = await startTestEnv({
      API_KEYS: `key-a=tenantA, sha256:${hex('key-b-secret')}=tenantB, ops-key=ops:admin`,
      OIDC_ISSUER: issuer.issuer,
      OIDC_AUDIENCE: 'reelsmith-api',
      OIDC_CLOCK_TOLERANCE_SEC: '5',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ApiModule.register(env.config)],
      controllers: [AdminProbeController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    http = request(app.getHttpServer());
    const submitted = await http.post('/v1/jobs').set('x-api-key', 'key-a').send(BRIEF);
    expect(submitted.status).toBe(202);
    jobOfA = submitted.body.id;
  });

  afterAll(async () => {
    await app?.close();
    await env?.close();
    await issuer?.close();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  describe('API keys', () => {
    it('answers 401 AUTH.UNAUTHORIZED without credentials or with a wrong key, naming both ways in', async () => {
      const none = await http.get('/v1/jobs');
      expect(none.status).toBe(401);
      expect(none.body.error).toEqual({
        code: 'AUTH.UNAUTHORIZED',
        message: 'an API key (x-api-key) or an access token (Authorization: Bearer) is required',
      });
      for (const headers of [{ 'x-api-key': 'key-z' }, bearer('key-z'), { 'x-api-key': hex('key-b-secret') }]) {
        const wrong = await http.get('/v1/jobs').set(headers);
        expect([wrong.status, wrong.body.error.code]).toEqual([401, 'AUTH.UNAUTHORIZED']);
      }
    });

    it("serves a plain key's tenant and a hashed key's tenant, each only its own jobs", async () => {
      const a = await http.get('/v1/jobs').set('x-api-key', 'key-a');
      expect(a.status).toBe(200);
      expect(a.body.items.map((j: { id: string }) => j.id)).toContain(jobOfA);
      expect((await http.get(`/v1/jobs/${jobOfA}`).set(bearer('key-a'))).status).toBe(200);
      const b = await http.get('/v1/jobs').set('x-api-key', 'key-b-secret');
      expect(b.status).toBe(200);
      expect(b.body.items).toEqual([]);
      expect((await http.get(`/v1/jobs/${jobOfA}`).set('x-api-key', 'key-b-secret')).status).toBe(404);
    });

    it('lets an admin key through an admin-only route and answers 403 AUTH.FORBIDDEN to a tenant key', async () => {
      const admin = await http.get('/test/admin').set('x-api-key', 'ops-key');
      expect(admin.status).toBe(200);
      expect(admin.body).toEqual({
        tenantId: 'ops',
        actor: `ops/key:${hex('ops-key').slice(0, 12)}`,
        roles: ['admin'],
        scopes: ['admin'],
      });
      const tenant = await http.get('/test/admin').set('x-api-key', 'key-a');
      expect(tenant.status).toBe(403);
      expect(tenant.body.error).toEqual({ code: 'AUTH.FORBIDDEN', message: 'this route needs the admin role' });
      expect((await http.get('/test/admin')).status).toBe(401);
    });
  });

  describe('OIDC access tokens', () => {
    it("gives a valid token its tenant's jobs and no other tenant's", async () => {
      const tokenA = await issuer.sign({ tenant: 'tenantA', sub: 'alice', scope: 'openid reelsmith:jobs' });
      const list = await http.get('/v1/jobs').set(bearer(tokenA));
      expect(list.status).toBe(200);
      expect(list.body.items.map((j: { id: string }) => j.id)).toContain(jobOfA);
      expect((await http.get(`/v1/jobs/${jobOfA}`).set(bearer(tokenA))).status).toBe(200);
      const tokenB = await issuer.sign({ tenant: 'tenantB', sub: 'bob' });
      expect((await http.get(`/v1/jobs/${jobOfA}`).set(bearer(tokenB))).status).toBe(404);
      const created = await http.post('/v1/jobs').set(bearer(tokenB)).send(BRIEF);
      expect(created.status).toBe(202);
      const ofB = await http.get('/v1/jobs').set(bearer(tokenB));
      expect(ofB.body.items.map((j: { id: string }) => j.id)).toEqual([created.body.id]);
    });

    it.each([
      ['an expired token', () => issuer.sign({ tenant: 'tenantA' }, { expiresInSec: -3600 }), 'the token has expired'],
      [
        'a token for another audience',
        () => issuer.sign({ tenant: 'tenantA', aud: 'someone-else' }),
        'the token is meant for another audience',
      ],
      [
        'a token from another issuer',
        () => issuer.sign({ tenant: 'tenantA', iss: 'https://evil.example.com' }),
        'the token was issued by another issuer',
      ],
      [
        'an unsigned token (alg: none)',
        () => Promise.resolve(issuer.unsigned({ tenant: 'tenantA' })),
        "the token's signing algorithm is not accepted",
      ],
      [
        'a token signed with a key the issuer does not publish',
        () => issuer.sign({ tenant: 'tenantA' }, { key: 'unpublished' }),
        'the token is signed with a key the issuer does not publish',
      ],
      [
        'a token whose claims were changed after signing',
        async () => {
          const [header, , signature] = (await issuer.sign({ tenant: 'tenantB' })).split('.');
          const forged = Buffer.from(
            JSON.stringify({ iss: issuer.issuer, aud: 'reelsmith-api', sub: 'x', tenant: 'tenantA', exp: 9e9 }),
          );
          return `${header}.${forged.toString('base64url')}.${signature}`;
        },
        "the token's signature is not valid",
      ],
      [
        'a token that is not valid yet',
        () => issuer.sign({ tenant: 'tenantA', nbf: Math.floor(Date.now() / 1000) + 600 }),
        'the token is not valid yet',
      ],
    ])('answers 401 to %s', async (_, token, message) => {
      const response = await http.get(`/v1/jobs/${jobOfA}`).set(bearer(await token()));
      expect(response.status).toBe(401);
      expect(response.body.error).toEqual({ code: 'AUTH.UNAUTHORIZED', message });
    });

    it('accepts a Cognito-shaped access token (no aud, client_id) and refuses its ID token', async () => {
      const access = await issuer.sign({
        aud: undefined,
        client_id: 'reelsmith-api',
        token_use: 'access',
        tenant: 'tenantA',
      });
      expect((await http.get(`/v1/jobs/${jobOfA}`).set(bearer(access))).status).toBe(200);
      const id = await issuer.sign({ token_use: 'id', tenant: 'tenantA' });
      const refused = await http.get(`/v1/jobs/${jobOfA}`).set(bearer(id));
      expect([refused.status, refused.body.error.message]).toEqual([401, 'the token is not an access token']);
    });

    it('answers 403 AUTH.NO_TENANT to a valid token without a usable tenant claim', async () => {
      for (const claims of [{}, { tenant: '../tenantA' }, { tenant: ['tenantA'] }]) {
        const response = await http.get('/v1/jobs').set(bearer(await issuer.sign(claims)));
        expect(response.status).toBe(403);
        expect(response.body.error).toEqual({
          code: 'AUTH.NO_TENANT',
          message: 'the token has no valid "tenant" claim naming a tenant',
        });
      }
    });

    it('answers 403 to a valid non-admin token on an admin-only route and lets the admin scope through', async () => {
      const user = await issuer.sign({ tenant: 'tenantA', sub: 'alice', scope: 'openid reelsmith:jobs' });
      const refused = await http.get('/test/admin').set(bearer(user));
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('AUTH.FORBIDDEN');
      const admin = await issuer.sign({ tenant: 'ops', sub: 'carol', scp: ['openid', 'reelsmith:admin'] });
      const allowed = await http.get('/test/admin').set(bearer(admin));
      expect(allowed.status).toBe(200);
      expect(allowed.body).toEqual({
        tenantId: 'ops',
        actor: 'ops/sub:carol',
        roles: ['admin'],
        scopes: ['openid', 'reelsmith:admin'],
      });
    });

    it('fetched the discovery document once for all these requests', () => {
      expect(issuer.hits.discovery).toBe(1);
      expect(issuer.hits.jwks).toBeGreaterThanOrEqual(1);
      expect(issuer.hits.jwks).toBeLessThanOrEqual(2);
    });
  });

  it('answers 503 AUTH.PROVIDER_UNAVAILABLE, not 401, while the issuer cannot be reached', async () => {
    const gone = await OidcIssuerServer.start();
    const token = await gone.sign({ tenant: 'tenantA' });
    await gone.close();
    const verifier = new OidcTokenVerifier(loadConfig({ OIDC_ISSUER: gone.issuer, OIDC_AUDIENCE: gone.audience }));
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'AUTH.PROVIDER_UNAVAILABLE',
      status: 503,
    });
  });
});
