import { useEffect, useState } from 'preact/hooks';

/** History routing: /new, /library, /jobs/:id. The API answers those paths with the studio's page. */
export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  // The address may already say `path` (a sign-in rewrote it): the screen must still follow.
  if (opts.replace) history.replaceState(null, '', path);
  else if (path !== location.pathname + location.search) history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return path;
}

/** Same-origin links go through the router instead of reloading the page. */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
    return;
  const href = anchor.getAttribute('href');
  if (!href || !href.startsWith('/') || anchor.hasAttribute('download') || anchor.target) return;
  event.preventDefault();
  navigate(href);
}
