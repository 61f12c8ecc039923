import { AppError } from './app-error';
import { errorSpecOf, Errors } from './error-catalog';

describe('Errors', () => {
  const specs = Object.values(Errors);

  it('declares every code once, in AREA.NAME form, with an HTTP error status', () => {
    const codes = specs.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const spec of specs) {
      expect(spec.code).toMatch(/^([A-Z][A-Z_]*\.[A-Z][A-Z_]*|INTERNAL)$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
    }
  });

  it('finds a spec by the code a row or a response carries', () => {
    expect(errorSpecOf('JOB.NOT_FOUND')).toBe(Errors.jobNotFound);
    expect(errorSpecOf('NOT.A_CODE')).toBeUndefined();
  });
});

describe(AppError.name, () => {
  it('takes its code, HTTP status and retryability from the catalog', () => {
    const error = new AppError(Errors.providerRateLimited, 'slow down', { details: { provider: 'p' } });
    expect(error).toMatchObject({ code: 'PROVIDER.RATE_LIMITED', status: 503, retryable: true });
    expect(error.details).toEqual({ provider: 'p' });
    expect(new AppError(Errors.jobNotFound, 'gone')).toMatchObject({ status: 404, retryable: false });
  });

  it('is(error, spec) matches only its own code', () => {
    const error = new AppError(Errors.jobTerminal, 'done');
    expect(AppError.is(error, Errors.jobTerminal)).toBe(true);
    expect(AppError.is(error, Errors.jobNotFound)).toBe(false);
    expect(AppError.is(new Error('x'), Errors.jobTerminal)).toBe(false);
  });
});
