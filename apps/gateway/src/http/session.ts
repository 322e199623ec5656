// The browser session on /api and /auth: an opaque token in an HttpOnly SameSite cookie, resolved
// against the database on every request, and CSRF protection on every state-changing call.
import { PermissionDenied, Unauthenticated, type ResolvedSession, type Services } from '@gatehouse/domain';
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config.js';

/** `__Host-` pins the cookie to our origin, path / and Secure; plain HTTP (local use) cannot carry it. */
export function sessionCookieName(config: Pick<Config, 'publicUrl'>): string {
  return isHttps(config) ? '__Host-gh_session' : 'gh_session';
}

const isHttps = (config: Pick<Config, 'publicUrl'>) => config.publicUrl.startsWith('https:');

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Lax, not Strict: the IdP's redirect back to /auth/callback is a top-level cross-site navigation
 * and the session set there must survive the next click. CSRF is covered by the token below.
 */
export function setSessionCookie(res: Response, config: Pick<Config, 'publicUrl'>, token: string): void {
  res.cookie(sessionCookieName(config), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(config),
    path: '/',
  });
}

export function clearSessionCookie(res: Response, config: Pick<Config, 'publicUrl'>): void {
  res.clearCookie(sessionCookieName(config), {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(config),
    path: '/',
  });
}

/** The resolved session of this request, if any (set by `loadSession`). */
export function currentSession(res: Response): ResolvedSession | undefined {
  return res.locals.session as ResolvedSession | undefined;
}

/** The signed-in session, or 401. */
export function requireSession(res: Response): ResolvedSession {
  const session = currentSession(res);
  if (!session) throw new Unauthenticated('auth.required', 'Sign in to continue.');
  return session;
}

export function loadSession(services: Services, config: Pick<Config, 'publicUrl'>): RequestHandler {
  return async (req, res, next) => {
    // Mounted more than once on a path (the IP allowlist guard runs before the API router): resolve once.
    if (res.locals.sessionLoaded) return next();
    res.locals.sessionLoaded = true;
    const token = readCookie(req, sessionCookieName(config));
    if (!token) return next();
    const resolved = await services.sessions.resolve(token, req.ip ?? null);
    if (resolved) res.locals.session = resolved;
    else clearSessionCookie(res, config); // expired or revoked: the browser should stop sending it
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * State-changing calls made with the session cookie must carry the session's CSRF token in
 * `X-CSRF-Token` (the SPA gets it from GET /api/me and keeps it in memory); a cross-site page can
 * neither read it nor set the header.
 */
export function csrfProtection(services: Services): RequestHandler {
  return (req, res, next) => {
    const session = currentSession(res);
    if (SAFE_METHODS.has(req.method) || !session) return next();
    if (!services.sessions.verifyCsrf(session.session, req.get('x-csrf-token'))) {
      throw new PermissionDenied(
        'csrf.invalid',
        'Missing or invalid CSRF token: reload the page and try again.',
      );
    }
    next();
  };
}
