import { Errors } from '@app/domain/contract';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, whenUnauthorized } from './api-client';
import { completeSignIn, isSignInCallback } from './oidc';
import { JobPage } from './pages/job-page';
import { LibraryPage } from './pages/library-page';
import { NewAdPage } from './pages/new-ad-page';
import { SignInPage } from './pages/sign-in-page';
import { navigate, onLinkClick, usePath } from './router';
import { session } from './session';

export function App() {
  const path = usePath();
  const [signedIn, setSignedIn] = useState(session.credential() !== null);
  const [completing, setCompleting] = useState(isSignInCallback());
  const [signInError, setSignInError] = useState<string | null>(null);

  useEffect(() => {
    whenUnauthorized(() => {
      session.signOut();
      setSignedIn(false);
    });
  }, []);

  // Back from the issuer's sign-in page with a code: exchange it, check the token works here, go on.
  useEffect(() => {
    if (!completing) return;
    void (async () => {
      try {
        const { oidc } = await api.studioConfig();
        if (!oidc) throw new Error('Single sign-on is not set up for this studio.');
        const { accessToken, expiresInSec, returnTo } = await completeSignIn(oidc);
        session.signInWithToken(accessToken, expiresInSec);
        await api.jobs({ limit: 1 });
        setSignedIn(true);
        navigate(returnTo, { replace: true });
      } catch (e) {
        session.signOut();
        setSignedIn(false);
        setSignInError(
          e instanceof ApiError && e.code === Errors.noTenant.code
            ? 'You signed in, but your account is not assigned to a workspace. Ask your administrator.'
            : e instanceof Error
              ? e.message
              : String(e),
        );
      } finally {
        setCompleting(false);
      }
    })();
  }, []);

  // A new screen: focus its heading so keyboard and screen-reader users start there.
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: false });
  }, [path, signedIn]);

  if (completing) {
    return (
      <Shell path={path} signedIn={false}>
        <section class="sign-in card">
          <h1 tabIndex={-1}>Signing you in…</h1>
        </section>
      </Shell>
    );
  }
  if (!signedIn) {
    return (
      <Shell path={path} signedIn={false}>
        <SignInPage
          initialError={signInError}
          onSignedIn={(key) => {
            session.signIn(key);
            setSignedIn(true);
          }}
        />
      </Shell>
    );
  }
  const job = /^\/jobs\/([A-Za-z0-9]+)\/?$/.exec(path);
  let page: ComponentChildren;
  if (path === '/' || path === '/new' || path === '/new/') page = <NewAdPage />;
  else if (path === '/library' || path === '/library/') page = <LibraryPage />;
  else if (job) page = <JobPage key={job[1]} id={job[1]} />;
  else
    page = (
      <section>
        <h1 tabIndex={-1}>Page not found</h1>
        <p>
          There is nothing at this address. <a href="/new">Make a new ad</a> or open the <a href="/library">library</a>.
        </p>
      </section>
    );
  return (
    <Shell
      path={path}
      signedIn
      onSignOut={() => {
        session.signOut();
        setSignedIn(false);
        navigate('/', { replace: true });
      }}
    >
      {page}
    </Shell>
  );
}

function Shell(props: { path: string; signedIn: boolean; onSignOut?: () => void; children: ComponentChildren }) {
  const current = (prefix: string) =>
    props.path.startsWith(prefix) || (prefix === '/new' && props.path === '/') ? 'page' : undefined;
  return (
    <div class="shell" onClick={onLinkClick}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={props.signedIn ? '/new' : '/'}>
          <span class="brand-mark" aria-hidden="true">
            ▶
          </span>
          Reelsmith <span class="brand-sub">Studio</span>
        </a>
        {props.signedIn && (
          <nav aria-label="Main">
            <a href="/new" aria-current={current('/new')}>
              New ad
            </a>
            <a href="/library" aria-current={current('/library')}>
              Library
            </a>
            <button type="button" class="link-button" onClick={props.onSignOut}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </div>
  );
}
