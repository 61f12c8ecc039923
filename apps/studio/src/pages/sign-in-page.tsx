import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api-client';
import { startSignIn } from '../oidc';
import type { StudioConfig } from '../types';

export function SignInPage(props: { onSignedIn: (key: string) => void; initialError?: string | null }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(props.initialError ?? null);
  const [busy, setBusy] = useState(false);
  const [oidc, setOidc] = useState<StudioConfig['oidc']>(null);
  const [ssoNote, setSsoNote] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'Sign in · Reelsmith Studio';
    api
      .studioConfig()
      .then((config) => setOidc(config.oidc))
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 503) setSsoNote('Single sign-on is unavailable right now.');
      });
  }, []);

  const signInWithSso = async () => {
    if (!oidc) return;
    setBusy(true);
    const here = location.pathname === '/' ? '/new' : location.pathname;
    await startSignIn(oidc, here).catch((e: unknown) => {
      setBusy(false);
      setError(e instanceof Error ? e.message : String(e));
    });
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Enter your API key to sign in.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.verifyKey(trimmed);
      props.onSignedIn(trimmed);
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 401
          ? 'That API key was not accepted. Check it with your administrator and try again.'
          : e instanceof Error
            ? e.message
            : String(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="sign-in card">
      <h1 tabIndex={-1}>Sign in to Reelsmith Studio</h1>
      <p class="lead">Write a brief, review the storyboard, render and download your ads.</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for="api-key">API key</label>
          <input
            id="api-key"
            type="password"
            autoComplete="off"
            spellcheck={false}
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'sign-in-error' : 'api-key-hint'}
          />
          <p class="hint" id="api-key-hint">
            Kept in this browser tab only, and forgotten when you close it.
          </p>
        </div>
        {error && (
          <p class="problem" role="alert" id="sign-in-error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {oidc && (
        <div class="sso">
          <p class="divider">or</p>
          <button type="button" onClick={() => void signInWithSso()} disabled={busy}>
            Continue with single sign-on
          </button>
        </div>
      )}
      {ssoNote && <p class="hint">{ssoNote}</p>}
    </section>
  );
}
