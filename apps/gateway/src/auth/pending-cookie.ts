// The cookie that binds a sign-in in progress (the OIDC round trip, or the second-factor step) to
// the browser that started it. It holds a random value whose hash names the AuthRequest row.
// SameSite=Lax, not Strict: the IdP's redirect back to /auth/callback is a cross-site top-level
// navigation, and a Strict cookie would not come with it.
import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import { readCookie } from '../http/session.js';

const isHttps = (config: Pick<Config, 'publicUrl'>) => config.publicUrl.startsWith('https:');

/** `__Host-` pins it to our origin, path / and Secure when served over HTTPS. */
export function pendingCookieName(config: Pick<Config, 'publicUrl'>): string {
  return isHttps(config) ? '__Host-gh_signin' : 'gh_signin';
}

export function setPendingCookie(
  res: Response,
  config: Pick<Config, 'publicUrl'>,
  binding: string,
  expiresAt: Date,
): void {
  res.cookie(pendingCookieName(config), binding, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(config),
    path: '/',
    expires: expiresAt,
  });
}

export function clearPendingCookie(res: Response, config: Pick<Config, 'publicUrl'>): void {
  res.clearCookie(pendingCookieName(config), {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(config),
    path: '/',
  });
}

export function readPendingCookie(req: Request, config: Pick<Config, 'publicUrl'>): string | undefined {
  const value = readCookie(req, pendingCookieName(config));
  // a binding is a 43-character base64url token; anything else is not ours
  return value && /^[A-Za-z0-9_-]{20,128}$/.test(value) ? value : undefined;
}
