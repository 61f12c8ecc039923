import type { StudioConfig } from './types';

type Oidc = NonNullable<StudioConfig['oidc']>;
const PENDING = 'reelsmith.signIn';

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Where the issuer sends the browser back: the studio's own page, no path, so any client route works. */
function redirectUri(): string {
  return `${location.origin}/`;
}

/**
 * Single sign-on, Authorization Code with PKCE (RFC 7636) for a public client: a random verifier
 * stays in this tab, only its SHA-256 goes to the issuer; the code that comes back is worth
 * nothing without it. `state` ties the answer to this request.
 */
export async function startSignIn(oidc: Oidc, returnTo: string): Promise<void> {
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(oidc.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri(),
    scope: oidc.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/** True when this page load is the issuer sending the browser back with a code (or an error). */
export function isSignInCallback(): boolean {
  const q = new URLSearchParams(location.search);
  return (q.has('code') || q.has('error')) && q.has('state');
}

/** Exchanges the code for an access token; removes the code from the address bar whatever happens. */
export async function completeSignIn(
  oidc: Oidc,
): Promise<{ accessToken: string; expiresInSec: number; returnTo: string }> {
  const q = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', pending?.returnTo ?? '/');
  if (q.get('error')) throw new Error(`Single sign-on was refused: ${q.get('error_description') ?? q.get('error')}`);
  if (!pending || pending.state !== q.get('state'))
    throw new Error('This sign-in answer does not belong to this tab. Sign in again.');
  const response = await fetch(oidc.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: q.get('code') ?? '',
      redirect_uri: redirectUri(),
      client_id: oidc.clientId,
      code_verifier: pending.verifier,
    }).toString(),
  });
  if (!response.ok) throw new Error(`The sign-in could not be completed (${response.status}). Sign in again.`);
  const body = (await response.json()) as { access_token?: string; expires_in?: number };
  if (!body.access_token) throw new Error('The issuer sent no access token. Sign in again.');
  return { accessToken: body.access_token, expiresInSec: body.expires_in ?? 3600, returnTo: pending.returnTo };
}
