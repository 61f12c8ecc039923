import { type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { mock, type MockProxy } from 'jest-mock-extended';
import request from 'supertest';
import { ConfigModule, loadConfig } from '@app/config';
import { SafetyAuditLog } from '@app/safety';
import { AuthGuard } from '../common/api-key.guard';
import { ApiKeyVerifier } from '../common/api-key.verifier';
import { GlobalExceptionFilter } from '../common/global-exception.filter';
import { OidcTokenVerifier } from '../common/oidc-token.verifier';
import { SafetyAuditController } from './safety-audit.controller';

const RECORD = {
  at: '2026-12-06T10:00:00.000Z',
  actor: 'tenantA/key:abc',
  stage: 'submit',
  category: 'weapons',
  reason: 'weapons',
  source: 'blocklist',
  promptHash: 'f'.repeat(64),
};

describe(SafetyAuditController.name, () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let audit: MockProxy<SafetyAuditLog>;

  beforeEach(async () => {
    audit = mock<SafetyAuditLog>();
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadConfig({ API_KEYS: 'key-a=tenantA,key-b=tenantB:admin' }))],
      controllers: [SafetyAuditController],
      providers: [
        { provide: SafetyAuditLog, useValue: audit },
        ApiKeyVerifier,
        OidcTokenVerifier,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: GlobalExceptionFilter },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    http = request(app.getHttpServer());
  });
  afterEach(async () => {
    await app.close();
  });

  it('answers 401 with a wrong key and reads nothing', async () => {
    const response = await http.get('/v1/safety/audit').set('x-api-key', 'nope');
    expect(response.status).toBe(401);
    expect(response.body.error).toEqual({ code: 'AUTH.UNAUTHORIZED', message: 'the API key is not valid' });
    expect(audit.list).not.toHaveBeenCalled();
  });

  it("lists the caller's own blocked requests, 50 unless asked, up to 200", async () => {
    audit.list.mockResolvedValue([RECORD]);
    const response = await http.get('/v1/safety/audit').set('x-api-key', 'key-a');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [RECORD] });
    expect(audit.list).toHaveBeenCalledWith('tenantA', 50);
    await http.get('/v1/safety/audit?limit=200').set('x-api-key', 'key-b').expect(200);
    expect(audit.list).toHaveBeenLastCalledWith('tenantB', 200);
    await http.get('/v1/safety/audit?limit=1').set('x-api-key', 'key-b').expect(200);
    expect(audit.list).toHaveBeenLastCalledWith('tenantB', 1);
  });

  it.each(['0', '201', 'abc', '1.5', '-3'])('answers 400 REQUEST.INVALID naming limit for ?limit=%s', async (limit) => {
    const response = await http.get(`/v1/safety/audit?limit=${limit}`).set('x-api-key', 'key-a');
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'REQUEST.INVALID',
      problems: [{ field: 'limit', reason: 'must be a whole number from 1 to 200' }],
    });
    expect(audit.list).not.toHaveBeenCalled();
  });

  it('answers 500 INTERNAL with a correlation id and without the reason when the log cannot be read', async () => {
    audit.list.mockRejectedValue(new Error('AccessDeniedException on table reelsmith-prod'));
    const response = await http.get('/v1/safety/audit').set('x-api-key', 'key-a').set('x-request-id', 'req-9');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error' }, correlationId: 'req-9' });
  });
});
