import { type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { mock, type MockProxy } from 'jest-mock-extended';
import request from 'supertest';
import { ConfigModule, loadConfig } from '@app/config';
import { TenantUsageRepository } from '@app/persistence';
import { AuthGuard } from '../common/api-key.guard';
import { ApiKeyVerifier } from '../common/api-key.verifier';
import { GlobalExceptionFilter } from '../common/global-exception.filter';
import { OidcTokenVerifier } from '../common/oidc-token.verifier';
import { UsageController } from './usage.controller';

describe(UsageController.name, () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let usage: MockProxy<TenantUsageRepository>;

  beforeEach(async () => {
    usage = mock<TenantUsageRepository>();
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadConfig({ API_KEYS: 'key-a=tenantA,key-b=tenantB:admin' }))],
      controllers: [UsageController],
      providers: [
        { provide: TenantUsageRepository, useValue: usage },
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

  it('answers 401 without a key and reads nothing', async () => {
    const response = await http.get('/v1/usage');
    expect([response.status, response.body.error.code]).toEqual([401, 'AUTH.UNAUTHORIZED']);
    expect(usage.get).not.toHaveBeenCalled();
  });

  it("answers with the caller's own usage for the month asked, or the current month when none is", async () => {
    const month = { month: '2026-02', costUsd: 1.25, seconds: 42, calls: 7, jobs: 2 };
    usage.get.mockResolvedValue(month);
    const response = await http.get('/v1/usage?month=2026-02').set('x-api-key', 'key-b');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(month);
    expect(usage.get).toHaveBeenCalledWith('tenantB', '2026-02');
    await http.get('/v1/usage').set('x-api-key', 'key-a').expect(200);
    expect(usage.get).toHaveBeenLastCalledWith('tenantA', undefined);
  });

  it.each(['2026-13', '2026-00', '2026-2', '26-02', '2026-02-01', 'february'])(
    'answers 400 REQUEST.INVALID naming month for ?month=%s',
    async (month) => {
      const response = await http.get(`/v1/usage?month=${month}`).set('x-api-key', 'key-a');
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'REQUEST.INVALID',
        problems: [{ field: 'month', reason: 'must be YYYY-MM' }],
      });
      expect(usage.get).not.toHaveBeenCalled();
    },
  );

  it('answers 500 INTERNAL without the reason when the table cannot be read', async () => {
    usage.get.mockRejectedValue(new Error('ResourceNotFoundException: reelsmith-prod'));
    const response = await http.get('/v1/usage').set('x-api-key', 'key-a');
    expect(response.status).toBe(500);
    expect(response.body.error).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect(response.text).not.toContain('reelsmith-prod');
  });
});
