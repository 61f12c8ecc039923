import { createHash } from 'node:crypto';
import { type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { mock } from 'jest-mock-extended';
import request from 'supertest';
import { ConfigModule, loadConfig } from '@app/config';
import { AppError, Errors } from '@app/domain';
import { newJobId } from '@app/persistence';
import { ArtifactStore } from '@app/storage';
import { aJob } from '@app/testing';
import { AuthGuard } from '../common/api-key.guard';
import { ApiKeyVerifier } from '../common/api-key.verifier';
import { GlobalExceptionFilter } from '../common/global-exception.filter';
import { OidcTokenVerifier } from '../common/oidc-token.verifier';
import { JobEventsService } from './job-events.service';
import { JobViews } from './job-view';
import { TenantQuotas } from '../limits/tenant-quotas.service';
import { JobsController } from './jobs.controller';
import { JobArchives } from './job-archive.service';
import { JobsService } from './jobs.service';

const fingerprint = (tenant: string, key: string) =>
  `${tenant}/key:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

/** The controller as the API serves it (real guard, real filter, real views), its services mocked. */
async function setup() {
  const jobs = mock<JobsService>();
  const store = mock<ArtifactStore>();
  store.presign.mockImplementation(async (key) => `https://s3.test/${key}?signed`);
  store.presignDownload.mockImplementation(async (key, name) => `https://s3.test/${key}?signed&download=${name}`);
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(loadConfig({ API_KEYS: 'key-a=tenantA,key-b=tenantB:admin' }))],
    controllers: [JobsController],
    providers: [
      { provide: JobsService, useValue: jobs },
      { provide: ArtifactStore, useValue: store },
      { provide: JobEventsService, useValue: mock<JobEventsService>() },
      { provide: JobArchives, useValue: mock<JobArchives>() },
      { provide: TenantQuotas, useValue: mock<TenantQuotas>() },
      JobViews,
      ApiKeyVerifier,
      OidcTokenVerifier,
      { provide: APP_GUARD, useClass: AuthGuard },
      { provide: APP_FILTER, useClass: GlobalExceptionFilter },
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false, rawBody: true });
  app.useBodyParser('json', { limit: '256kb' });
  await app.init();
  return { app, http: request(app.getHttpServer()), jobs };
}

describe(JobsController.name, () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let jobs: ReturnType<typeof mock<JobsService>>;

  beforeEach(async () => {
    ({ app, http, jobs } = await setup());
  });
  afterEach(async () => {
    await app.close();
  });

  describe('auth', () => {
    it('answers 401 AUTH.UNAUTHORIZED without a key and never reaches the service', async () => {
      const response = await http.get('/v1/jobs');
      expect(response.status).toBe(401);
      expect(response.body.error).toEqual({ code: 'AUTH.UNAUTHORIZED', message: 'an API key is required (x-api-key)' });
      expect(jobs.list).not.toHaveBeenCalled();
    });

    it('answers 401 with a wrong key, saying the key is not valid', async () => {
      for (const headers of [{ 'x-api-key': 'key-z' }, { authorization: 'Bearer key-z' }]) {
        const response = await http.post('/v1/jobs').set(headers).send({ brief: 'x' });
        expect(response.status).toBe(401);
        expect(response.body.error).toEqual({ code: 'AUTH.UNAUTHORIZED', message: 'the API key is not valid' });
      }
      expect(jobs.submit).not.toHaveBeenCalled();
    });

    it('serves a valid key with its own tenant only, whichever header carries it', async () => {
      jobs.list.mockResolvedValue({ items: [], nextCursor: null });
      const id = newJobId();
      jobs.get.mockResolvedValue(aJob({ tenantId: 'tenantB', id }));
      expect((await http.get('/v1/jobs').set('x-api-key', 'key-b')).status).toBe(200);
      expect((await http.get(`/v1/jobs/${id}`).set('authorization', 'Bearer key-b')).status).toBe(200);
      expect(jobs.list).toHaveBeenCalledWith('tenantB', 20, null, undefined);
      expect(jobs.get).toHaveBeenCalledWith('tenantB', id);
    });

    it('submits as the tenant and actor of the key, not any tenant the body names', async () => {
      const job = aJob({ id: newJobId() });
      jobs.submit.mockResolvedValue(job);
      const body = { brief: 'A bakery ad for a new sourdough.', tenantId: 'tenantB' };
      await http.post('/v1/jobs').set('x-api-key', 'key-a').send(body).expect(202);
      expect(jobs.submit).toHaveBeenCalledWith(
        { tenantId: 'tenantA', actor: fingerprint('tenantA', 'key-a') },
        body,
        undefined,
      );
    });
  });

  describe('validation', () => {
    it.each(['0', '101', 'abc', '2.5', ''])('answers 400 REQUEST.INVALID naming limit for ?limit=%s', async (limit) => {
      const response = await http.get(`/v1/jobs?limit=${limit}`).set('x-api-key', 'key-a');
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'REQUEST.INVALID',
        problems: [{ field: 'limit', reason: 'must be a whole number from 1 to 100' }],
      });
      expect(jobs.list).not.toHaveBeenCalled();
    });

    it('passes a limit in range and the cursor on', async () => {
      jobs.list.mockResolvedValue({ items: [aJob({ id: newJobId() })], nextCursor: 'next' });
      const response = await http.get('/v1/jobs?limit=100&cursor=abc').set('x-api-key', 'key-a');
      expect(response.status).toBe(200);
      expect(response.body.nextCursor).toBe('next');
      expect(response.body.items).toHaveLength(1);
      expect(jobs.list).toHaveBeenCalledWith('tenantA', 100, 'abc', undefined);
    });

    it('answers 400 REQUEST.INVALID with a (body) problem to malformed JSON', async () => {
      const response = await http
        .post('/v1/jobs')
        .set('x-api-key', 'key-a')
        .set('content-type', 'application/json')
        .send('{"brief": ');
      expect(response.status).toBe(400);
      expect(response.body.error).toEqual({
        code: 'REQUEST.INVALID',
        message: 'the body is not valid JSON',
        problems: [{ field: '(body)', reason: 'malformed JSON' }],
      });
      expect(jobs.submit).not.toHaveBeenCalled();
    });
  });

  describe('submit', () => {
    it('answers 202 with the Location of the job and links to it and its events', async () => {
      const job = aJob({ id: newJobId() });
      jobs.submit.mockResolvedValue(job);
      const response = await http
        .post('/v1/jobs')
        .set('x-api-key', 'key-a')
        .set('idempotency-key', 'order-42')
        .send({ brief: 'A bakery ad for a new sourdough.' });
      expect(response.status).toBe(202);
      expect(response.headers.location).toBe(`/v1/jobs/${job.id}`);
      expect(response.body).toEqual({
        id: job.id,
        status: 'queued',
        links: { self: `/v1/jobs/${job.id}`, events: `/v1/jobs/${job.id}/events` },
      });
      expect(jobs.submit).toHaveBeenCalledWith(expect.anything(), expect.anything(), 'order-42');
    });
  });

  describe('reading a job', () => {
    it('shows outputs as presigned URLs, never the storage keys', async () => {
      const id = newJobId();
      const key = `users/tenantA/jobs/${id}/final/output.mp4`;
      jobs.get.mockResolvedValue(
        aJob({
          id,
          status: 'completed',
          outputs: [
            {
              type: 'video',
              aspectRatio: '16:9',
              key,
              contentType: 'video/mp4',
              width: 1280,
              height: 720,
              durationSec: 6,
            },
          ],
        }),
      );
      const response = await http.get(`/v1/jobs/${id}`).set('x-api-key', 'key-a');
      expect(response.status).toBe(200);
      expect(response.body.outputs).toEqual([
        {
          type: 'video',
          aspectRatio: '16:9',
          url: `https://s3.test/${key}?signed`,
          downloadUrl: `https://s3.test/${key}?signed&download=${id}-video-16x9.mp4`,
          fileName: 'video-16x9.mp4',
          contentType: 'video/mp4',
          width: 1280,
          height: 720,
          durationSec: 6,
        },
      ]);
    });
  });

  describe('error mapping', () => {
    it('maps JOB.NOT_FOUND from the service to 404', async () => {
      jobs.get.mockRejectedValue(new AppError(Errors.jobNotFound, 'job X not found'));
      const response = await http.get(`/v1/jobs/${newJobId()}`).set('x-api-key', 'key-a');
      expect(response.status).toBe(404);
      expect(response.body.error).toEqual({ code: 'JOB.NOT_FOUND', message: 'job X not found' });
      expect(response.body.correlationId).toEqual(expect.any(String));
    });

    it('maps JOB.TERMINAL from a cancel to 409', async () => {
      jobs.cancel.mockRejectedValue(new AppError(Errors.jobTerminal, 'job X is already completed'));
      const response = await http.post(`/v1/jobs/${newJobId()}/cancel`).set('x-api-key', 'key-a');
      expect(response.status).toBe(409);
      expect(response.body.error).toEqual({ code: 'JOB.TERMINAL', message: 'job X is already completed' });
    });

    it('maps REQUEST.IDEMPOTENCY_KEY_REUSED from a submit to 422', async () => {
      jobs.submit.mockRejectedValue(new AppError(Errors.idempotencyKeyReused, 'used with a different brief'));
      const response = await http.post('/v1/jobs').set('x-api-key', 'key-a').send({ brief: 'x' });
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('REQUEST.IDEMPOTENCY_KEY_REUSED');
    });

    it('answers 500 INTERNAL with a correlation id and without the internal message to an unexpected error', async () => {
      jobs.list.mockRejectedValue(new Error('ECONNREFUSED 10.0.0.7:8000 secret-table-name'));
      const response = await http.get('/v1/jobs').set('x-api-key', 'key-a');
      expect(response.status).toBe(500);
      expect(response.body.error).toEqual({ code: 'INTERNAL', message: 'internal error' });
      expect(response.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers['x-request-id']).toBe(response.body.correlationId);
      expect(response.text).not.toContain('ECONNREFUSED');
      expect(response.text).not.toContain('secret-table-name');
    });

    it("keeps the caller's x-request-id as the correlation id", async () => {
      jobs.list.mockRejectedValue(new Error('boom'));
      const response = await http.get('/v1/jobs').set('x-api-key', 'key-a').set('x-request-id', 'req-123');
      expect(response.body.correlationId).toBe('req-123');
      expect(response.headers['x-request-id']).toBe('req-123');
    });
  });
});
