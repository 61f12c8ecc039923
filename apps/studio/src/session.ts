// Credentials live in sessionStorage only: gone when the tab closes, never in a URL or a cookie.
const API_KEY = 'reelsmith.apiKey';
const TOKEN = 'reelsmith.accessToken';

export type Credential = { kind: 'api-key'; value: string } | { kind: 'token'; value: string };

export const session = {
  credential(): Credential | null {
    const token = sessionStorage.getItem(TOKEN);
    if (token) {
      const { value, expiresAt } = JSON.parse(token) as { value: string; expiresAt: number };
      if (Date.now() < expiresAt) return { kind: 'token', value };
      sessionStorage.removeItem(TOKEN);
    }
    const key = sessionStorage.getItem(API_KEY);
    return key ? { kind: 'api-key', value: key } : null;
  },
  signIn(key: string): void {
    sessionStorage.setItem(API_KEY, key);
  },
  /** an access token from single sign-on, kept until shortly before it expires */
  signInWithToken(value: string, expiresInSec: number): void {
    sessionStorage.setItem(TOKEN, JSON.stringify({ value, expiresAt: Date.now() + (expiresInSec - 30) * 1000 }));
  },
  signOut(): void {
    sessionStorage.clear();
  },
};
