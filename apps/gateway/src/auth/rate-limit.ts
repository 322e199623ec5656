// Issue 5: "Per-IP and per-email rate limits on all /auth endpoints → 429". Counters live in the
// database (RateLimiter), so every replica draws on the same budget.
import { RateLimited, type Services } from '@gatehouse/domain';
import type { Request, RequestHandler } from 'express';
import type { AuthRateLimit } from '../config.js';

export function authRateLimit(services: Services, limits: AuthRateLimit): RequestHandler {
  const windowMs = limits.windowSeconds * 1000;
  return async (req, _res, next) => {
    const byIp = await services.rateLimiter.hit(`auth:ip:${req.ip ?? 'unknown'}`, limits.perIp, windowMs);
    if (!byIp.allowed) {
      throw new RateLimited(
        'auth.rate_limited',
        'Too many sign-in requests from your network. Try again later.',
        {
          retryAfterSeconds: byIp.retryAfterSeconds,
        },
      );
    }
    const email = emailOf(req);
    if (email) {
      const byEmail = await services.rateLimiter.hit(`auth:email:${email}`, limits.perEmail, windowMs);
      if (!byEmail.allowed) {
        throw new RateLimited(
          'auth.rate_limited',
          'Too many sign-in requests for this email address. Try again later.',
          { retryAfterSeconds: byEmail.retryAfterSeconds },
        );
      }
    }
    next();
  };
}

/** The address a request names (query or JSON body), case-folded; malformed input is left to validation. */
function emailOf(req: Request): string | null {
  const fromBody = (req.body as { email?: unknown } | undefined)?.email;
  const raw = typeof fromBody === 'string' ? fromBody : req.query.email;
  if (typeof raw !== 'string') return null;
  const email = raw.normalize('NFC').trim().toLowerCase();
  return email.length > 0 && email.length <= 320 && email.includes('@') ? email : null;
}
