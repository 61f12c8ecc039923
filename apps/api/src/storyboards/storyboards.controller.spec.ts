import { type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { mock, type MockProxy } from 'jest-mock-extended';
import request from 'supertest';
import { ConfigModule, loadConfig } from '@app/config';
import { AppError, Errors, type Storyboard } from '@app/domain';
import { STORYBOARD_PLANNER, type StoryboardPlanner, TemplatePlanner } from '@app/planner';
import { SafetyBlockedError, SafetyScreen } from '@app/safety';
import { aBrief } from '@app/testing';
import { AuthGuard } from '../common/api-key.guard';
import { ApiKeyVerifier } from '../common/api-key.verifier';
import { GlobalExceptionFilter } from '../common/global-exception.filter';
import { OidcTokenVerifier } from '../common/oidc-token.verifier';
import { BriefIntake } from '../jobs/brief-intake.service';
import { TenantQuotas } from '../limits/tenant-quotas.service';
import { StoryboardsController } from './storyboards.controller';
import { StoryboardEstimates } from './storyboard-estimates.service';

const BRIEF = { brief: 'Six-second bumper for a neighbourhood bakery and its new sourdough.', durationSec: 6 };
const BLOCKED = new SafetyBlockedError({
  allowed: false,
  category: 'violence',
  reason: 'violence',
  source: 'blocklist',
  promptHash: 'h',
});

/** Brief parsing runs for real (it is pure); the planner and the safety screen are mocked. */
describe(StoryboardsController.name, () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let planner: MockProxy<StoryboardPlanner>;
  let safety: MockProxy<SafetyScreen>;
  let quotas: MockProxy<TenantQuotas>;
  let storyboard: Storyboard;

  beforeEach(async () => {
    storyboard = await new TemplatePlanner().plan(aBrief(BRIEF));
    planner = mock<StoryboardPlanner>({ name: 'openai', model: 'gpt-test', paid: true });
    safety = mock<SafetyScreen>();
    quotas = mock<TenantQuotas>();
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadConfig({ API_KEYS: 'key-a=tenantA,key-b=tenantB:admin' }))],
      controllers: [StoryboardsController],
      providers: [
        { provide: STORYBOARD_PLANNER, useValue: planner },
        { provide: SafetyScreen, useValue: safety },
        { provide: StoryboardEstimates, useValue: mock<StoryboardEstimates>() },
        { provide: TenantQuotas, useValue: quotas },
        BriefIntake,
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

  it('answers 401 without a key and plans nothing', async () => {
    const response = await http.post('/v1/storyboards').send(BRIEF);
    expect([response.status, response.body.error.code]).toEqual([401, 'AUTH.UNAUTHORIZED']);
    expect(planner.plan).not.toHaveBeenCalled();
  });

  it('answers 402 BUDGET.MONTHLY_CAP_REACHED and asks the LLM planner nothing for a tenant at its monthly cap', async () => {
    quotas.assertMonthlySpendLeft.mockRejectedValue(
      new AppError(Errors.monthlySpendCapReached, 'this tenant spent $5.00 in 2026-12, the monthly cap is $5.00'),
    );
    const response = await http.post('/v1/storyboards').set('x-api-key', 'key-a').send(BRIEF);
    expect([response.status, response.body.error.code]).toEqual([402, 'BUDGET.MONTHLY_CAP_REACHED']);
    expect(quotas.assertMonthlySpendLeft).toHaveBeenCalledWith('tenantA');
    expect(planner.plan).not.toHaveBeenCalled();
  });

  it('plans a screened brief and returns the storyboard with how it was planned', async () => {
    planner.plan.mockResolvedValue(storyboard);
    const response = await http.post('/v1/storyboards').set('x-api-key', 'key-b').send(BRIEF);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      brief: aBrief(BRIEF),
      storyboard,
      planning: { planner: 'openai', model: 'gpt-test' },
    });
    expect(safety.enforce).toHaveBeenCalledWith(
      expect.arrayContaining([{ field: 'brief', text: BRIEF.brief }]),
      expect.objectContaining({ tenantId: 'tenantB', stage: 'storyboard' }),
    );
    // the planned texts are screened too, before the storyboard is shown
    expect(safety.enforce).toHaveBeenCalledWith(
      expect.arrayContaining([{ field: 'storyboard.title', text: storyboard.title }]),
      expect.objectContaining({ tenantId: 'tenantB' }),
    );
  });

  it('answers 400 REQUEST.INVALID listing every problem of the brief and does not plan', async () => {
    const response = await http
      .post('/v1/storyboards')
      .set('x-api-key', 'key-a')
      .send({ brief: 'short', durationSec: 500, aspectRatio: '4:3' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('REQUEST.INVALID');
    expect(response.body.error.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      'aspectRatio',
      'brief',
      'durationSec',
    ]);
    expect(planner.plan).not.toHaveBeenCalled();
  });

  it('refuses a storyboard in the body: this route plans one, it does not take one', async () => {
    const response = await http
      .post('/v1/storyboards')
      .set('x-api-key', 'key-a')
      .send({ ...BRIEF, storyboard });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('REQUEST.INVALID');
    expect(planner.plan).not.toHaveBeenCalled();
  });

  it('answers 422 SAFETY.BLOCKED for a blocked brief before the planner is asked', async () => {
    safety.enforce.mockRejectedValueOnce(BLOCKED);
    const response = await http.post('/v1/storyboards').set('x-api-key', 'key-a').send(BRIEF);
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: 'SAFETY.BLOCKED', category: 'violence', source: 'blocklist' });
    expect(planner.plan).not.toHaveBeenCalled();
  });

  it("maps the planner's AppError to its catalog status and code", async () => {
    planner.plan.mockRejectedValue(new AppError(Errors.plannerTimeout, 'the planner took longer than 60s'));
    const response = await http.post('/v1/storyboards').set('x-api-key', 'key-a').send(BRIEF);
    expect(response.status).toBe(504);
    expect(response.body.error).toEqual({ code: 'PLANNER.TIMEOUT', message: 'the planner took longer than 60s' });
  });
});
