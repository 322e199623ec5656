// Issue 5: the tenant's IP allowlist is "enforced at sign-in and on every admin API request". This
// is the admin API half: every /api request of a signed-in session comes from an allowed address,
// or it is a 403 `ip.not_allowed` (audited by the domain, throttled). Mount it after loadSession.
import type { Services } from '@gatehouse/domain';
import type { RequestHandler } from 'express';
import { currentSession } from './session.js';

export function enforceIpAllowlist(services: Services): RequestHandler {
  return async (_req, res, next) => {
    const session = currentSession(res);
    // the session's actor carries this request's address (req.ip, which TRUST_PROXY decides)
    if (session) await services.ipAllowlist.assertAllowed(session.actor);
    next();
  };
}
