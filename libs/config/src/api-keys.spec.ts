import { createHash } from 'node:crypto';
import { keyFingerprint, parseApiKeys, sha256 } from './api-keys';

const hex = (key: string) => createHash('sha256').update(key).digest('hex');

describe(parseApiKeys.name, () => {
  it('reads plain, admin and hashed entries into digests, tenants and scopes', () => {
    const { entries, problems } = parseApiKeys(
      `k1=teamA, k2=teamB:admin, sha256:${hex('secret-3')}=teamC, sha256:${hex('secret-4').toUpperCase()}=ops:admin`,
    );
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.tenantId, e.scopes, e.key])).toEqual([
      ['teamA', [], 'k1'],
      ['teamB', ['admin'], 'k2'],
      ['teamC', [], null],
      ['ops', ['admin'], null],
    ]);
    expect(entries.map((e) => e.digest.toString('hex'))).toEqual([
      hex('k1'),
      hex('k2'),
      hex('secret-3'),
      hex('secret-4'),
    ]);
  });

  it('takes the tenant after the last "=", so base64 keys with padding work', () => {
    const { entries, problems } = parseApiKeys('c2VjcmV0a2V5MQ===teamA:admin');
    expect(problems).toEqual([]);
    expect(entries[0]).toMatchObject({ key: 'c2VjcmV0a2V5MQ==', tenantId: 'teamA', scopes: ['admin'] });
  });

  it('names every bad entry at once, without echoing a key', () => {
    const { problems } = parseApiKeys(
      'nokey, k1=team A, k2=teamB:root, sha256:abc=teamC, k3=teamD:admin:extra, k4=teamE, k4=teamF',
    );
    expect(problems).toEqual([
      'entry 1 is not key=tenant[:admin] (tenant: letters, digits, _ or -)',
      'entry 2 is not key=tenant[:admin] (tenant: letters, digits, _ or -)',
      'entry 3: unknown scope "root"; known: admin',
      'entry 4: a hashed key is sha256: followed by 64 hex digits',
      'entry 5 is not key=tenant[:admin] (tenant: letters, digits, _ or -)',
      'entry 7: the same key is listed twice',
    ]);
    expect(problems.join(' ')).not.toMatch(/k1|k2|k4|nokey/);
  });

  it('treats a key and its hash as the same key', () => {
    expect(parseApiKeys(`k1=teamA, sha256:${hex('k1')}=teamB`).problems).toEqual([
      'entry 2: the same key is listed twice',
    ]);
  });

  it('needs at least one entry', () => {
    expect(parseApiKeys(' , ').problems).toEqual(['needs at least one key=tenant entry']);
  });
});

describe(keyFingerprint.name, () => {
  it('names the tenant and 12 hex digits of the key digest, the same for a plain and a hashed entry', () => {
    expect(keyFingerprint('teamA', sha256('k1'))).toBe(`teamA/key:${hex('k1').slice(0, 12)}`);
    const [hashed] = parseApiKeys(`sha256:${hex('k1')}=teamA`).entries;
    expect(keyFingerprint(hashed.tenantId, hashed.digest)).toBe(keyFingerprint('teamA', sha256('k1')));
  });
});
