import { fingerprint, KeyRing } from './key-ring.service';
import { Errors } from '@app/domain';

describe(KeyRing.name, () => {
  let now = 1_000_000;
  const ring = (keys: string[]) =>
    new KeyRing(keys, { provider: 'replicate', now: () => now, defaultCooldownMs: 5_000 });
  beforeEach(() => (now = 1_000_000));

  it('goes round the keys when none was limited', () => {
    const r = ring(['a', 'b', 'c']);
    expect([r.pick(), r.pick(), r.pick(), r.pick()].map((c) => c.key)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('rotates away from a key that got 429 until its Retry-After has passed', () => {
    const r = ring(['a', 'b']);
    r.markRateLimited('a', 2_000);
    expect([r.pick(), r.pick()].map((c) => c.key)).toEqual(['b', 'b']);
    now += 2_000;
    expect(r.ordered().map((k) => k.key)).toEqual(['b', 'a']);
    r.markRateLimited('b', 2_000);
    expect(r.pick().key).toBe('a');
  });

  it('prefers the least recently limited key once all have rested', () => {
    const r = ring(['a', 'b', 'c']);
    r.markRateLimited('b', 100);
    now += 10;
    r.markRateLimited('a', 100);
    now += 10;
    r.markRateLimited('c', 100);
    now += 1_000;
    expect(r.ordered().map((k) => k.key)).toEqual(['b', 'a', 'c']);
  });

  it('says how long to wait when every key rests', () => {
    const r = ring(['a', 'b']);
    r.markRateLimited('a', 3_000);
    r.markRateLimited('b');
    expect(r.pick()).toEqual({ key: null, waitMs: 3_000 });
    expect(r.hasUsableKey()).toBe(false);
  });

  it('drops a key that got 401 or 403 and answers UNAUTHORIZED when none is left', () => {
    const r = ring(['a', 'b']);
    r.markRejected('a');
    expect([r.pick(), r.pick()].map((c) => c.key)).toEqual(['b', 'b']);
    r.markRejected('b');
    expect(() => r.pick()).toThrow(
      expect.objectContaining({ code: Errors.providerUnauthorized.code, retryable: false }),
    );
  });

  it('finds a key by fingerprint without the fingerprint revealing it', () => {
    const r = ring(['secret-token']);
    expect(fingerprint('secret-token')).toMatch(/^[0-9a-f]{12}$/);
    expect(fingerprint('secret-token')).not.toContain('secret');
    expect(r.byFingerprint(fingerprint('secret-token'))).toBe('secret-token');
    expect(r.byFingerprint('000000000000')).toBeNull();
  });
});
