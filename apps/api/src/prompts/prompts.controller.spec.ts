import { type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { mock, type MockProxy } from 'jest-mock-extended';
import request from 'supertest';
import { ConfigModule, loadConfig } from '@app/config';
import { AppError, Errors } from '@app/domain';
import { PROMPT_TOOLKIT, type PromptToolkit } from '@app/planner';
import { SafetyBlockedError, SafetyScreen } from '@app/safety';
import { aBrief } from '@app/testing';
import { AuthGuard } from '../common/api-key.guard';
import { ApiKeyVerifier } from '../common/api-key.verifier';
import { GlobalExceptionFilter } from '../common/global-exception.filter';
import { OidcTokenVerifier } from '../common/oidc-token.verifier';
import { PromptsController } from './prompts.controller';

const BRIEF = { brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough.', durationSec: 6 };

describe(PromptsController.name, () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let toolkit: MockProxy<PromptToolkit>;
  let safety: MockProxy<SafetyScreen>;

  beforeEach(async () => {
    toolkit = mock<PromptToolkit>({ name: 'template' });
    safety = mock<SafetyScreen>();
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadConfig({ API_KEYS: 'key-a=tenantA,key-b=tenantB:admin' }))],
      controllers: [PromptsController],
      providers: [
        { provide: PROMPT_TOOLKIT, useValue: toolkit },
        { provide: SafetyScreen, useValue: safety },
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

  const fields = (body: { error: { problems: Array<{ field: string }> } }) =>
    body.error.problems.map((p) => p.field).sort();

  it('answers 401 on every tool without a key and calls no tool', async () => {
    for (const tool of ['enhance', 'extract', 'update', 'variations']) {
      const response = await http.post(`/v1/prompts/${tool}`).send({ idea: 'a bakery ad' });
      expect([response.status, response.body.error.code]).toEqual([401, 'AUTH.UNAUTHORIZED']);
    }
    expect(toolkit.enhance).not.toHaveBeenCalled();
    expect(toolkit.extract).not.toHaveBeenCalled();
  });

  it('enhances a screened idea into a brief and screens the result, for the caller', async () => {
    const brief = aBrief(BRIEF);
    toolkit.enhance.mockResolvedValue({ brief, notes: ['added a duration'] });
    const response = await http.post('/v1/prompts/enhance').set('x-api-key', 'key-b').send({ idea: 'bakery ad' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ brief, notes: ['added a duration'], toolkit: 'template' });
    expect(toolkit.enhance).toHaveBeenCalledWith('bakery ad');
    expect(safety.enforce).toHaveBeenNthCalledWith(
      1,
      ['bakery ad'],
      expect.objectContaining({ tenantId: 'tenantB', stage: 'prompt.enhance' }),
    );
    expect(safety.enforce).toHaveBeenNthCalledWith(
      2,
      expect.arrayContaining([{ field: 'brief', text: BRIEF.brief }]),
      expect.anything(),
    );
  });

  it('answers 400 REQUEST.INVALID naming the idea, and any unknown field, before any tool runs', async () => {
    const response = await http.post('/v1/prompts/enhance').set('x-api-key', 'key-a').send({ idea: 'ab', extra: 1 });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('REQUEST.INVALID');
    expect(fields(response.body)).toEqual(['(body)', 'idea']);
    expect(safety.enforce).not.toHaveBeenCalled();
    expect(toolkit.enhance).not.toHaveBeenCalled();
  });

  it('answers 400 with a (body) problem to an update that names neither a brief nor a storyboard', async () => {
    const response = await http.post('/v1/prompts/update').set('x-api-key', 'key-a').send({ request: 'shorter' });
    expect(response.status).toBe(400);
    expect(response.body.error.problems).toEqual([{ field: '(body)', reason: 'needs a brief or a storyboard' }]);
    expect(toolkit.update).not.toHaveBeenCalled();
  });

  it('lists the problems of the body and of its brief together for variations', async () => {
    const response = await http
      .post('/v1/prompts/variations')
      .set('x-api-key', 'key-a')
      .send({ brief: { brief: 'short', durationSec: 6 }, n: 9 });
    expect(response.status).toBe(400);
    expect(fields(response.body)).toEqual(['brief.brief', 'n']);
    expect(toolkit.variations).not.toHaveBeenCalled();
  });

  it('answers 422 SAFETY.BLOCKED for blocked text and never hands it to the toolkit', async () => {
    safety.enforce.mockRejectedValue(
      new SafetyBlockedError({
        allowed: false,
        category: 'hate',
        reason: 'hate',
        source: 'moderation',
        promptHash: 'h',
      }),
    );
    const response = await http
      .post('/v1/prompts/extract')
      .set('x-api-key', 'key-a')
      .send({ text: 'some text to pull a brief from' });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: 'SAFETY.BLOCKED', category: 'hate', source: 'moderation' });
    expect(toolkit.extract).not.toHaveBeenCalled();
  });

  it("maps the toolkit's AppError to its catalog status and code", async () => {
    toolkit.update.mockRejectedValue(new AppError(Errors.plannerRateLimited, 'the LLM is rate limited'));
    const response = await http
      .post('/v1/prompts/update')
      .set('x-api-key', 'key-a')
      .send({ brief: BRIEF, request: 'make it warmer' });
    expect(response.status).toBe(503);
    expect(response.body.error).toEqual({ code: 'PLANNER.RATE_LIMITED', message: 'the LLM is rate limited' });
    expect(toolkit.update).toHaveBeenCalledWith({ kind: 'brief', brief: aBrief(BRIEF) }, 'make it warmer');
  });
});
