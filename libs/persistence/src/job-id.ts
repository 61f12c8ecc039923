import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * ULID-shaped ids: 10 characters of millisecond time then 16 random ones, so ids sort by creation
 * and a tenant's newest jobs come first in a reverse Query. Never all digits (BullMQ reserves those).
 */
export function newJobId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[bytes[i] % 32];
  // The first random character is a letter so an id can never be all digits.
  return time + CROCKFORD[10 + (bytes[0] % 22)] + random.slice(1);
}

export const JOB_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function isJobId(value: string): boolean {
  return JOB_ID_PATTERN.test(value);
}
