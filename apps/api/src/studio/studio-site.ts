import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';

/** Client-side routes of the studio: answered with its page, so a reload or a shared link opens the right screen. */
export const STUDIO_ROUTES = /^\/(?:new|library|jobs\/[A-Za-z0-9]{1,64})?\/?$/;

/** dist/studio (built by `npm run build`), found from wherever this file runs (dist or sources). */
export function studioDir(from = __dirname): string | null {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  const built = join(dir, 'dist', 'studio');
  return existsSync(join(built, 'index.html')) ? built : null;
}

/**
 * Security headers on every response (helmet), with a Content-Security-Policy that allows no inline
 * script and nothing from elsewhere except the artifacts: videos, posters and captions are presigned
 * URLs on the storage origin (s3rver on another local port in the embedded stack).
 */
export function securityHeaders(opts: {
  artifactOrigin: string;
  production: boolean;
  /** the OIDC token endpoint's origin once known: the studio's single sign-on posts the code there */
  signInOrigin?: () => string | null;
}) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:', opts.artifactOrigin],
        mediaSrc: ["'self'", 'blob:', opts.artifactOrigin],
        connectSrc: ["'self'", () => opts.signInOrigin?.() ?? "'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Only where the API is reached over TLS: on a plain-HTTP local stack it would send the
        // browser to https:// ports nothing listens on.
        ...(opts.production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
  });
}

/** Serves the built studio at `/` (hashed assets cached for good, the page always revalidated). */
export function serveStudio(app: NestExpressApplication, dir: string): void {
  app.useStaticAssets(dir, {
    index: false,
    setHeaders: (res, path) =>
      res.setHeader(
        'Cache-Control',
        path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      ),
  });
  const page = join(dir, 'index.html');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !STUDIO_ROUTES.test(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(page);
  });
}
