import { AppError, Errors } from '@app/domain';
import { asDependencyFailure } from './dependency-failure';

describe('asDependencyFailure', () => {
  const unavailable = (error: unknown) => AppError.is(asDependencyFailure(error), Errors.dependencyUnavailable);

  it('turns timeouts and connection failures of Redis and the AWS SDK into the catalogued 503', () => {
    expect(unavailable(new Error('Command timed out'))).toBe(true);
    expect(unavailable(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(true);
    expect(unavailable(Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }))).toBe(true);
    expect(unavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(unavailable(new Error('put failed', { cause: new Error('Command timed out') }))).toBe(true);
    const mapped = asDependencyFailure(new Error('Command timed out')) as AppError;
    expect(mapped).toMatchObject({ status: 503, retryable: true });
    expect(mapped.message).not.toMatch(/Command|127\.0\.0\.1/);
  });

  it('leaves our own errors and other failures as they were', () => {
    const ours = new AppError(Errors.jobNotFound, 'gone');
    expect(asDependencyFailure(ours)).toBe(ours);
    const bug = new TypeError('x is undefined');
    expect(asDependencyFailure(bug)).toBe(bug);
  });
});
