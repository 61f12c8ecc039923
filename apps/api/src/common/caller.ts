/** Roles a caller can hold beyond its tenant's own routes. */
export const ROLES = ['admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as the auth guard established it. */
export interface Caller {
  tenantId: string;
  /** for audit records: the tenant and a key fingerprint or the token's subject (never a secret) */
  actor: string;
  roles: Role[];
  /** the key's scopes, or the token's `scope` / `scp` */
  scopes: string[];
  via: 'api-key' | 'oidc';
}
