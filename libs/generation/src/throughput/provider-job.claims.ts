import { createHash } from 'node:crypto';
import { type RedisClient } from '@app/pipeline';
import { type ProviderJobRef } from '../generation.ports';
import { providerKey } from './provider-semaphore.service';

/** Longer than any job lives at a provider: a claim outlasting its job costs one small key. */
const CLAIM_TTL_SEC = 3 * 24 * 3600;

/**
 * Who holds each provider job: one generation per job. A create claims the job it made before
 * recording it; a restart that finds a job it may have made but never recorded adopts it only if no
 * other generation holds it, so two restarted attempts with the same request never share one clip.
 */
export class ProviderJobClaims {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** True when `owner` now holds the job (or already did), false when another owner does. */
  async claim(ref: ProviderJobRef, owner: string): Promise<boolean> {
    const where = createHash('sha256').update(ref.endpoint).digest('hex').slice(0, 16);
    const key = providerKey(this.prefix, 'claim', ref.provider, where, ref.id);
    if ((await this.redis.set(key, owner, 'EX', CLAIM_TTL_SEC, 'NX')) === 'OK') return true;
    return (await this.redis.get(key)) === owner;
  }
}
