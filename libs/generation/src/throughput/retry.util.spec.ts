import { AppError, Errors } from '@app/domain';
import { ProviderError } from './provider.errors';
import { isSafeToResend, retryDelayMs, withRetries } from './retry.util';

const policy = { attempts: 5, baseMs: 100, maxMs: 1_000, maxRetryAfterMs: 5_000 };

function failure(status: number, retryAfterMs?: number): ProviderError {
  const code =
    status === 429 ? Errors.providerRateLimited : status >= 500 ? Errors.providerUnavailable : Errors.providerRejected;
  return new ProviderError(code, `status ${status}`, { provider: 'test', providerStatus: status, retryAfterMs });
}

describe(retryDelayMs.name, () => {
  it('doubles the jitter ceiling each attempt up to maxMs when the provider names no wait', () => {
    // random() = 1 is just outside its range, which makes the delay the ceiling itself
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(failure(503), attempt, policy, () => 1));
    expect(ceilings).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('draws the delay uniformly below the ceiling (full jitter)', () => {
    expect(retryDelayMs(failure(503), 3, policy, () => 0)).toBe(0);
    expect(retryDelayMs(failure(503), 3, policy, () => 0.5)).toBe(200);
  });

  it('waits exactly the Retry-After the provider sent, up to maxRetryAfterMs', () => {
    expect(retryDelayMs(failure(429, 1_500), 1, policy, () => 0)).toBe(1_500);
    expect(retryDelayMs(failure(429, 0), 4, policy, () => 0.9)).toBe(0);
    expect(retryDelayMs(failure(429, 90_000), 1, policy, () => 0)).toBe(5_000);
  });
});

describe(withRetries.name, () => {
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  beforeEach(() => (sleeps.length = 0));

  it('returns the first success after retryable failures', async () => {
    const fn = jest
      .fn()
      .mockRejectedValueOnce(failure(503))
      .mockRejectedValueOnce(failure(429, 300))
      .mockResolvedValue('ok');
    await expect(withRetries(fn, { ...policy, sleep, random: () => 0.5 })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(sleeps).toEqual([50, 300]);
  });

  it('fails at once on a non-retryable 4xx', async () => {
    const fn = jest.fn().mockRejectedValue(failure(422));
    await expect(withRetries(fn, { ...policy, sleep })).rejects.toMatchObject({ code: Errors.providerRejected.code });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
  });

  it('throws the last error when the attempts run out', async () => {
    const fn = jest.fn().mockRejectedValueOnce(failure(429)).mockRejectedValue(failure(503));
    await expect(withRetries(fn, { ...policy, attempts: 3, sleep })).rejects.toMatchObject({
      code: Errors.providerUnavailable.code,
    });
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('retries only what retryIf allows when given', async () => {
    const fn = jest.fn().mockRejectedValue(failure(500));
    await expect(withRetries(fn, { ...policy, sleep, retryIf: isSafeToResend })).rejects.toMatchObject({
      code: Errors.providerUnavailable.code,
    });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const fn = jest.fn().mockImplementation(async () => {
      controller.abort();
      throw failure(503);
    });
    await expect(withRetries(fn, { ...policy, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe(isSafeToResend.name, () => {
  it('allows resending a create only when the provider surely did not take it', () => {
    expect(isSafeToResend(failure(429))).toBe(true);
    expect(isSafeToResend(failure(503))).toBe(true);
    expect(isSafeToResend(failure(500))).toBe(false);
    expect(isSafeToResend(failure(504))).toBe(false);
    const refused = new ProviderError(Errors.providerUnavailable, 'refused', { provider: 't', connectFailed: true });
    expect(isSafeToResend(refused)).toBe(true);
    expect(isSafeToResend(new AppError(Errors.plannerTimeout, 'y'))).toBe(false);
  });
});
