import crypto from 'node:crypto';
import { loadConfig } from '@app/config';
import { ApiKeyVerifier } from './api-key.verifier';

const hex = (key: string) => crypto.createHash('sha256').update(key).digest('hex');

describe(ApiKeyVerifier.name, () => {
  const verifier = new ApiKeyVerifier(
    loadConfig({
      API_KEYS: `k-one=teamA, k-two=teamB:admin, sha256:${hex('k-three')}=teamC, sha256:${hex('k-four')}=ops:admin, k-five=teamE`,
    }),
  );

  afterEach(() => jest.restoreAllMocks());

  it('gives a plain key its tenant, fingerprint and no role', () => {
    expect(verifier.verify('k-one')).toEqual({
      tenantId: 'teamA',
      actor: `teamA/key:${hex('k-one').slice(0, 12)}`,
      roles: [],
      scopes: [],
      via: 'api-key',
    });
  });

  it('accepts the plain key of a hashed entry, with the admin role where the entry says so', () => {
    expect(verifier.verify('k-three')).toMatchObject({ tenantId: 'teamC', roles: [] });
    expect(verifier.verify('k-four')).toMatchObject({
      tenantId: 'ops',
      actor: `ops/key:${hex('k-four').slice(0, 12)}`,
      roles: ['admin'],
      scopes: ['admin'],
    });
    expect(verifier.verify('k-two')?.roles).toEqual(['admin']);
  });

  it('refuses unknown keys, the hash itself presented as a key, and near misses', () => {
    for (const guess of ['', 'k-on', 'k-one ', 'K-ONE', `sha256:${hex('k-three')}`, hex('k-three')]) {
      expect(verifier.verify(guess)?.tenantId ?? null).toBe(guess === 'k-one ' ? 'teamA' : null);
    }
  });

  it('compares the digest with every entry in constant time, whether the key is first, last or unknown', () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    for (const key of ['k-one', 'k-five', 'nope']) {
      compare.mockClear();
      verifier.verify(key);
      expect(compare).toHaveBeenCalledTimes(5);
      for (const [a, b] of compare.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
    }
  });
});
