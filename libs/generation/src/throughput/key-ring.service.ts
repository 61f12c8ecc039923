import { createHash } from 'node:crypto';
import { ProviderError, ProviderErrorCodes } from './provider.errors';

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

  private assertSomeKeyAuthorised(): void {
    if (this.allRejected()) {
      throw new ProviderError(
        ProviderErrorCodes.unauthorized,
        `${this.options.provider}: every API key was rejected (401/403); check the configured tokens`,
        { provider: this.options.provider, keys: this.states.map((s) => s.fingerprint) },
        { retryable: false },
      );
    }
  }

  private stateOf(key: string): KeyState {
    const state = this.states.find((s) => s.key === key);
    if (!state) throw new RangeError(`${this.options.provider}: unknown key ${fingerprint(key)}`);
    return state;
  }
}
