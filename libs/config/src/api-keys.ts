import { createHash } from 'node:crypto';

/** Tenant ids as they appear in keys, tokens and storage keys. */
export const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The scopes an API key can carry (`key=tenant:admin`). */
export const API_KEY_SCOPES = ['admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The development key and the API_KEYS default that holds it: refused in production, hashed or not. */
export const DEV_API_KEY = 'dev-key';
export const DEV_API_KEYS = `${DEV_API_KEY}=demo`;

/**
 * One API_KEYS entry. Only the SHA-256 digest of the key is kept for matching, so a hashed entry
 * (`sha256:<hex>=tenant`) and a plain one behave the same; `key` is the plain key when one was given
 * (the local render command needs one to call the API), null for a hashed entry.
 */
export interface ApiKeyEntry {
  digest: Buffer;
  tenantId: string;
  scopes: ApiKeyScope[];
  key: string | null;
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** `<tenant>/key:<12 hex of the key's SHA-256>`: names the caller in audit records without the key. */
export function keyFingerprint(tenantId: string, digest: Buffer): string {
  return `${tenantId}/key:${digest.toString('hex').slice(0, 12)}`;
}

const HASHED = /^sha256:([0-9a-fA-F]{64})$/;

/**
 * Parses `key=tenant`, `key=tenant:admin` and `sha256:<64 hex>=tenant[:admin]` entries, comma-separated.
 * The tenant follows the last `=`, so base64 keys with `=` padding work. Every bad entry is named
 * (without its key) rather than the first only.
 */
export function parseApiKeys(raw: string): { entries: ApiKeyEntry[]; problems: string[] } {
  const entries: ApiKeyEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const pieces = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  pieces.forEach((piece, index) => {
    const at = piece.lastIndexOf('=');
    const key = at > 0 ? piece.slice(0, at).trim() : '';
    const [tenantId = '', scope, ...extra] = (at > 0 ? piece.slice(at + 1) : '').trim().split(':');
    const where = `entry ${index + 1}`;
    if (!key || !TENANT_ID.test(tenantId) || extra.length) {
      problems.push(`${where} is not key=tenant[:admin] (tenant: letters, digits, _ or -)`);
      return;
    }
    if (scope !== undefined && !(API_KEY_SCOPES as readonly string[]).includes(scope)) {
      problems.push(`${where}: unknown scope "${scope}"; known: ${API_KEY_SCOPES.join(', ')}`);
      return;
    }
    const hashed = key.startsWith('sha256:');
    const hex = HASHED.exec(key)?.[1];
    if (hashed && !hex) {
      problems.push(`${where}: a hashed key is sha256: followed by 64 hex digits`);
      return;
    }
    const digest = hex ? Buffer.from(hex, 'hex') : sha256(key);
    const id = digest.toString('hex');
    if (seen.has(id)) {
      problems.push(`${where}: the same key is listed twice`);
      return;
    }
    seen.add(id);
    entries.push({ digest, tenantId, scopes: scope ? [scope as ApiKeyScope] : [], key: hashed ? null : key });
  });
  if (!pieces.length) problems.push('needs at least one key=tenant entry');
  return { entries, problems };
}
