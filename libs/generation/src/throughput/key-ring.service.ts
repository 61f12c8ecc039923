import { createHash } from 'node:crypto';
import { isProviderError, ProviderError } from './provider.errors';
import { type RetryPolicy, withRetries } from './retry.util';
import { Errors } from '@app/domain';

/** A short, stable, non-reversible name for a secret: safe in logs, Redis keys and stored job refs. */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

interface KeyState {
  key: string;
  fingerprint: string;
  coolUntil: number;
  lastLimitedAt: number;
  disabled: boolean;
}

export type KeyChoice = { key: string; fingerprint: string } | { key: null; waitMs: number };

export interface KeyRingOptions {
  provider: string;
  /** how long a key rests after a 429 that named no Retry-After */
  defaultCooldownMs?: number;
  now?: () => number;
}

/**
 * Several API keys for one provider. A key that got 429 rests until its Retry-After; one that got
 * 401/403 is out for the life of the process (a revoked token does not come back by waiting).
 * Among usable keys the least recently limited goes first, round robin among equals, so load spreads
 * and a key that was just throttled is the last to be tried again.
 */
export class KeyRing {
  private readonly states: KeyState[];
  private cursor = 0;
  private readonly now: () => number;
  private readonly defaultCooldownMs: number;

  constructor(
    keys: readonly string[],
    private readonly options: KeyRingOptions,
  ) {
    if (!keys.length) throw new RangeError(`${options.provider}: a key ring needs at least one key`);
    this.states = [...new Set(keys)].map((key) => ({
      key,
      fingerprint: fingerprint(key),
      coolUntil: 0,
      lastLimitedAt: -Infinity,
      disabled: false,
    }));
    this.now = options.now ?? Date.now;
    this.defaultCooldownMs = options.defaultCooldownMs ?? 10_000;
  }

  get size(): number {
    return this.states.length;
  }

  /** Usable keys, best first; empty when every key rests or is disabled. */
  ordered(): { key: string; fingerprint: string }[] {
    const now = this.now();
    const usable = this.states
      .map((state, i) => ({ state, i }))
      .filter(({ state }) => !state.disabled && state.coolUntil <= now);
    const n = this.states.length;
    usable.sort(
      (a, b) =>
        a.state.lastLimitedAt - b.state.lastLimitedAt || ((a.i - this.cursor + n) % n) - ((b.i - this.cursor + n) % n),
    );
    return usable.map(({ state }) => ({ key: state.key, fingerprint: state.fingerprint }));
  }

  /** The key for the next call, or how long until one is usable. Throws UNAUTHORIZED once every key was rejected. */
  pick(): KeyChoice {
    this.assertSomeKeyAuthorised();
    const [best] = this.ordered();
    if (best) {
      this.cursor = (this.states.findIndex((s) => s.key === best.key) + 1) % this.states.length;
      return best;
    }
    const now = this.now();
    const waitMs = Math.min(...this.states.filter((s) => !s.disabled).map((s) => s.coolUntil - now));
    return { key: null, waitMs: Math.max(0, waitMs) };
  }

  byFingerprint(fp: string): string | null {
    return this.states.find((s) => s.fingerprint === fp && !s.disabled)?.key ?? null;
  }

  markRateLimited(key: string, retryAfterMs?: number): void {
    const state = this.stateOf(key);
    const now = this.now();
    state.lastLimitedAt = now;
    state.coolUntil = now + (retryAfterMs ?? this.defaultCooldownMs);
  }

  markRejected(key: string): void {
    this.stateOf(key).disabled = true;
  }

  /** Whether some key could be used right now (another attempt need not wait). */
  hasUsableKey(): boolean {
    return this.ordered().length > 0;
  }

  allRejected(): boolean {
    return this.states.every((s) => s.disabled);
  }

  /**
   * What a failed call on `key` means for the next one: a 429 rests that key (and the next try goes
   * at once when another key is usable); a 401/403 drops it, and another key is tried at once
   * (`nextKey` makes that refusal retryable in the caller's loop only) until every key is refused.
   */
  afterFailure(key: string, error: unknown): unknown {
    if (isProviderError(error, Errors.providerRateLimited)) {
      this.markRateLimited(key, error.retryAfterMs);
      if (this.hasUsableKey()) return error.withRetryAfter(0);
      const choice = this.pick();
      return error.withRetryAfter(choice.key === null ? choice.waitMs : 0);
    }
    if (isProviderError(error, Errors.providerUnauthorized)) {
      this.markRejected(key);
      if (this.allRejected()) {
        try {
          this.pick();
        } catch (allRejected) {
          return allRejected;
        }
      }
      return new ProviderError(
        Errors.providerUnauthorized,
        error.message,
        { ...error.details, retryAfterMs: 0, nextKey: true },
        { cause: error },
      );
    }
    return error;
  }

  /** The error for "no key can take a call for `waitMs`". */
  allResting(waitMs: number): ProviderError {
    return new ProviderError(Errors.providerRateLimited, `${this.options.provider}: every API key is rate limited`, {
      provider: this.options.provider,
      providerStatus: 429,
      retryAfterMs: waitMs,
    });
  }

  /**
   * Runs `fn` on the key a provider job was made with (its fingerprint), with retries. When that key
   * is gone from the configuration, any usable key of the same account is tried in turn. A job the
   * key does not know (404) is null; a refused key moves on to the next.
   */
  async withOwnKey<T>(
    keyFingerprint: string | null,
    retry: RetryPolicy & { signal?: AbortSignal },
    fn: (key: string, fingerprint: string) => Promise<T>,
  ): Promise<T | null> {
    const own = keyFingerprint ? this.byFingerprint(keyFingerprint) : null;
    const keys = own ? [{ key: own, fingerprint: keyFingerprint! }] : this.ordered();
    let last: unknown = null;
    for (const { key, fingerprint: fp } of keys) {
      try {
        return await withRetries(() => fn(key, fp), retry);
      } catch (error) {
        if (isProviderError(error, Errors.providerRejected) && error.details.notFound) {
          last = null;
          continue;
        }
        if (isProviderError(error, Errors.providerUnauthorized) && !own) {
          last = error;
          continue;
        }
        throw error;
      }
    }
    if (last) throw last;
    return null;
  }

  private assertSomeKeyAuthorised(): void {
    if (this.allRejected()) {
      throw new ProviderError(
        Errors.providerUnauthorized,
        `${this.options.provider}: every API key was rejected (401/403); check the configured tokens`,
        { provider: this.options.provider, keys: this.states.map((s) => s.fingerprint) },
      );
    }
  }

  private stateOf(key: string): KeyState {
    const state = this.states.find((s) => s.key === key);
    if (!state) throw new RangeError(`${this.options.provider}: unknown key ${fingerprint(key)}`);
    return state;
  }
}
