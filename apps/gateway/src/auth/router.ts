// /auth: how people get in (issue 5). Browser navigations (login, callback) answer with redirects;
// everything the SPA calls takes and returns JSON. Each handler calls the domain's SignInService,
// which records every attempt as a sign-in event; this file only speaks HTTP and OIDC.
import {
  DomainError,
  InvalidInput,
  PermissionDenied,
  SignInRefused,
  type SignInContext,
  type SignInOutcome,
} from '@gatehouse/domain';
import {
  LoginQuery,
  safeReturnTo,
  type AuthSessionResponse,
  type DiscoveryResponse,
  type EmailStartResponse,
  type LogoutResponse,
  type SignInResponse,
} from '@gatehouse/domain/contracts';
import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { ZodError } from 'zod';
import { DEFAULT_AUTH_RATE_LIMIT, ssoRedirectUris } from '../config.js';
import type { RouterDeps } from '../http/deps.js';
import { routeNotFound } from '../http/errors.js';
import {
  clearSessionCookie,
  csrfProtection,
  currentSession,
  loadSession,
  readCookie,
  requireSession,
  sessionCookieName,
  setSessionCookie,
} from '../http/session.js';
import { outboundFetch } from '../http/outbound.js';
import { OidcClients, OidcFailure } from './oidc.js';
import { clearPendingCookie, readPendingCookie, setPendingCookie } from './pending-cookie.js';
import { authRateLimit } from './rate-limit.js';

const EMAIL_SENT: EmailStartResponse = {
  status: 'sent',
  message:
    'If an account can sign in with this address, a sign-in link is on its way. It works for 15 minutes.',
};

export function authRouter(deps: RouterDeps): Router {
  const { services, config, logger } = deps;
  const oidc = new OidcClients(logger, outboundFetch({ allowPrivate: config.outboundAllowPrivate ?? false }));
  const { redirectUri, postLogoutRedirectUri } = ssoRedirectUris(config);
  const csrf = csrfProtection(services);

  const context = (req: Request): SignInContext => ({
    ip: req.ip ?? null,
    userAgent: req.get('user-agent')?.slice(0, 512) ?? null,
    publicUrl: config.publicUrl,
    previousSessionToken: readCookie(req, sessionCookieName(config)) ?? null,
  });

  /** Sets the cookies an outcome calls for and answers the SPA. */
  const answer = (res: Response, outcome: SignInOutcome): void => {
    res.json(settle(res, outcome));
  };
  const settle = (res: Response, outcome: SignInOutcome): SignInResponse => {
    switch (outcome.status) {
      case 'signed_in':
        setSessionCookie(res, config, outcome.sessionToken);
        clearPendingCookie(res, config);
        return {
          status: 'signed_in',
          returnTo: outcome.returnTo,
          ...(outcome.recoveryCodes ? { recoveryCodes: outcome.recoveryCodes } : {}),
        };
      case 'mfa_required':
        setPendingCookie(res, config, outcome.binding, outcome.expiresAt);
        return { status: 'mfa_required', enrolment: outcome.enrolment };
      case 'activated':
        return { status: 'activated', method: 'sso' };
    }
  };

  const router = Router();
  router.use(noStore);
  router.use(loadSession(services, config));
  router.use(authRateLimit(services, config.authRateLimit ?? DEFAULT_AUTH_RATE_LIMIT));

  // ---- what the sign-in page needs ----

  router.get('/discovery', async (req, res) => {
    const found = await services.signIn.discover({ email: req.query.email });
    const body: DiscoveryResponse = { method: found.method, loginNotice: found.loginNotice };
    res.json(body);
  });

  router.get('/session', async (_req, res) => {
    const session = currentSession(res);
    if (!session) {
      const body: AuthSessionResponse = { signedIn: false };
      res.json(body);
      return;
    }
    const body: AuthSessionResponse = {
      signedIn: true,
      user: await services.signIn.sessionUser(session.actor),
      csrfToken: session.csrfToken,
    };
    res.json(body);
  });

  // ---- OIDC SSO: browser navigations ----

  const login: RequestHandler = async (req, res) => {
    const { email, returnTo } = LoginQuery.parse(req.query);
    const ctx = context(req);
    const connection = await services.signIn.ssoTarget({ email }, ctx);
    const request = await oidc.authorizationRequest(connection, redirectUri, email).catch((err: unknown) => {
      logger.warn({ err, connectionId: connection.connectionId }, 'SSO discovery failed');
      return services.signIn.rejectSso({ connection }, 'idp_unreachable', ctx);
    });
    const pending = await services.signIn.savePendingSso({
      connection,
      state: request.state,
      nonce: request.nonce,
      codeVerifier: request.codeVerifier,
      returnTo: safeReturnTo(returnTo),
    });
    setPendingCookie(res, config, pending.binding, pending.expiresAt);
    res.redirect(302, request.url.href);
  };
  router.get('/login', login, toSignInPage(config.publicUrl));

  const callback: RequestHandler = async (req, res) => {
    const ctx = context(req);
    // spent whatever happens next: clear it now
    clearPendingCookie(res, config);
    const pending = await services.signIn.takePendingSso(readPendingCookie(req, config), ctx);
    const currentUrl = new URL(req.originalUrl, config.publicUrl);
    const assertion = await oidc.exchange(pending, currentUrl).catch((err: unknown) => {
      const reason = err instanceof OidcFailure ? err.reason : 'token_validation_failed';
      logger.info({ err, reason, connectionId: pending.connection.connectionId }, 'SSO callback refused');
      return services.signIn.rejectSso(pending, reason, ctx);
    });
    const outcome = await services.signIn.completeSso(pending, assertion, ctx);
    settle(res, outcome);
    res.redirect(302, `${config.publicUrl}${outcome.status === 'signed_in' ? outcome.returnTo : '/'}`);
  };
  router.get('/callback', callback, toSignInPage(config.publicUrl));

  // ---- email links, invitations, break-glass, second factor: JSON for the SPA ----

  router.post('/email/start', requireJson, async (req, res) => {
    await services.signIn.startEmail(req.body, context(req));
    res.status(202).json(EMAIL_SENT);
  });

  router.post('/email/verify', requireJson, async (req, res) => {
    answer(res, await services.signIn.verifyEmailLink(req.body, context(req)));
  });

  router.post('/invitations/accept', requireJson, async (req, res) => {
    answer(res, await services.signIn.acceptInvitation(req.body, context(req)));
  });

  router.post('/recovery', requireJson, async (req, res) => {
    answer(res, await services.signIn.recover(req.body, context(req)));
  });

  router.post('/mfa/verify', requireJson, async (req, res) => {
    answer(res, await services.signIn.verifyMfa(readPendingCookie(req, config), req.body, context(req)));
  });

  /**
   * Starts a TOTP set-up: for the sign-in waiting on a second factor the account must first set up
   * (the pending cookie), else for the signed-in user's own account (CSRF-checked like /logout).
   */
  router.post('/mfa/enrol', requireJson, async (req, res) => {
    const binding = readPendingCookie(req, config);
    const session = currentSession(res);
    if (binding || !session) {
      res.json(await services.signIn.enrolPendingMfa(binding));
      return;
    }
    if (!services.sessions.verifyCsrf(session.session, req.get('x-csrf-token'))) {
      throw new PermissionDenied(
        'csrf.invalid',
        'Missing or invalid CSRF token: reload the page and try again.',
      );
    }
    res.json(await services.mfa.enrol(session.actor));
  });

  router.post('/mfa/confirm', requireJson, csrf, async (req, res) => {
    const { code } = mfaCode(req.body);
    res.json(await services.mfa.confirm(requireSession(res).actor, code));
  });

  router.post('/mfa/disable', requireJson, csrf, async (req, res) => {
    const { code } = mfaCode(req.body);
    res.json(await services.mfa.disable(requireSession(res).actor, code));
  });

  // ---- signing out ----

  router.post('/logout', csrf, async (req, res) => {
    const token = readCookie(req, sessionCookieName(config));
    clearSessionCookie(res, config);
    clearPendingCookie(res, config);
    if (!token) {
      const body: LogoutResponse = { redirectTo: null };
      res.json(body);
      return;
    }
    const { connection, idTokenHint } = await services.signIn.signOut(token);
    const redirectTo = connection
      ? await oidc.endSessionUrl(connection, postLogoutRedirectUri, idTokenHint)
      : null;
    const body: LogoutResponse = { redirectTo };
    res.json(body);
  });

  router.use(routeNotFound);
  return router;
}

/** Sign-in answers carry cookies and one-time material: never cached by browsers or proxies. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/**
 * Sign-in calls take JSON only. Besides validation, this keeps other sites out: a cross-site form
 * can post text/plain or form data, but JSON needs a CORS preflight this origin never grants.
 */
const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) {
    throw new InvalidInput('request.json_required', 'Send a JSON body (Content-Type: application/json).');
  }
  next();
};

function mfaCode(body: unknown): { code: string } {
  const code = (body as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !/^\s*\d{6}\s*$/.test(code)) {
    throw new InvalidInput('mfa.code_format', 'Enter the 6-digit code from your authenticator app.');
  }
  return { code: code.trim() };
}

/**
 * A browser that navigated here (login, callback) gets a page, not JSON: a refusal or a malformed
 * request sends it to the sign-in page with the reason, which the SPA puts in plain words. Clients
 * that ask for JSON get the JSON error; rate limits and server faults go to the error handler.
 */
function toSignInPage(publicUrl: string): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (req.accepts(['html', 'json']) === 'json') return next(err);
    const reason =
      err instanceof SignInRefused
        ? err.reason
        : err instanceof ZodError || (err instanceof DomainError && err.kind === 'invalid')
          ? 'invalid_request'
          : null;
    if (!reason) return next(err);
    res.redirect(302, `${publicUrl}/sign-in?error=${encodeURIComponent(reason)}`);
  };
}
