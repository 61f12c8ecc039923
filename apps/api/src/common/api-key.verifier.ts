import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type ApiKeyEntry, type AppConfig, keyFingerprint, sha256 } from '@app/config';
import { type Caller } from './caller';

/**
 * Matches a presented key against API_KEYS by SHA-256 digest. Every entry is compared whichever one
 * matches, with a constant-time comparison of equal-length digests, so the time taken tells
 * nothing about how close a guess came or where a key sits in the list.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly entries: readonly ApiKeyEntry[];

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'apiKeys'>) {
    this.entries = config.apiKeys;
  }

  verify(key: string): Caller | null {
    const digest = sha256(key.trim());
    let match: ApiKeyEntry | null = null;
    for (const entry of this.entries) {
      const equal = timingSafeEqual(digest, entry.digest);
      if (equal) match ??= entry;
    }
    if (!match) return null;
    return {
      tenantId: match.tenantId,
      actor: keyFingerprint(match.tenantId, match.digest),
      roles: match.scopes.includes('admin') ? ['admin'] : [],
      scopes: [...match.scopes],
      via: 'api-key',
    };
  }
}
