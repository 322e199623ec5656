import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type Request, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Services } from '@gatehouse/domain';
import { apiRouter } from './api/router.js';
import { authRouter } from './auth/router.js';
import type { Config } from './config.js';
import { adminConsole } from './http/admin-console.js';
import { errorHandler, routeNotFound } from './http/errors.js';
import { enforceIpAllowlist } from './http/ip-allowlist.js';
import { bodyRefusal, jsonBodyParser, nulRefused, urlHoldsNul } from './http/nul.js';
import { requestId } from './http/request-id.js';
import { loadSession } from './http/session.js';
import { isScimRequest, scimListener } from './scim/router.js';
import { ScimMetrics } from './scim/metrics.js';
import type { Logger } from './logger.js';

/**
 * Everything the app needs arrives here, built by main.ts: buildApp reads no environment and opens
 * nothing itself. Services and the persisted secrets (session and CSRF keys, loaded by the domain)
 * join this list as they land.
 */
export interface AppDeps {
  db: { ping(): Promise<void> };
  logger: Logger;
  config: Pick<Config, 'trustProxy' | 'bodyLimit' | 'publicUrl' | 'adminDistDir'> &
    Partial<Pick<Config, 'authRateLimit' | 'outboundAllowPrivate'>>;
  /** The domain services; without them only probes and the SPA are served (tests of the bare app). */
  services?: Services;
  /** Extra routes mounted at /api, before the JSON 404 for unknown API paths (tests). */
  api?: Router;
}

// A database that does not answer (an unreachable PostgreSQL host can hold a connection attempt for
// minutes) must fail the probe within the orchestrator's timeout instead of hanging it.
const READINESS_TIMEOUT_MS = 2_000;

const PROBES = new Set(['/healthz', '/readyz']);

/**
 * The gateway's request listener: SCIM (under /scim/v2) goes straight to its own lean listener,
 * everything else through the Express app (probes, /auth, /api, /metrics, the console).
 */
export function buildApp(deps: AppDeps): RequestListener {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  app.use(requestId);
  app.use(accessLog(logger));
  app.use(securityHeaders(config.publicUrl));
  app.use(jsonBodyParser(config.bodyLimit));
  app.use((req, _res, next) => {
    next(urlHoldsNul(req.url) ? nulRefused() : bodyRefusal(req, req.body));
  });

  app.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    const ready = await pingWithin(deps.db, READINESS_TIMEOUT_MS).then(
      () => true,
      (err: unknown) => {
        req.log.warn({ err }, 'Readiness check failed: the database did not answer');
        return false;
      },
    );
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'unavailable' });
  });

  let scim: RequestListener | undefined;
  if (deps.services) {
    const routerDeps = { services: deps.services, logger, config };
    const metrics = new ScimMetrics();
    scim = scimListener({
      ...routerDeps,
      metrics,
      trustProxy: app.get('trust proxy fn') as (addr: string, hop: number) => boolean,
    });
    app.get('/metrics', (_req, res) => {
      res.set('Cache-Control', 'no-store').type('text/plain; version=0.0.4').send(metrics.render());
    });
    app.use('/auth', authRouter(routerDeps));
    // Issue 5: the tenant's IP allowlist guards every /api request of a signed-in session.
    app.use('/api', loadSession(deps.services, config), enforceIpAllowlist(deps.services));
    app.use('/api', apiRouter(routerDeps));
  }
  if (deps.api) app.use('/api', deps.api);
  app.use(['/api', '/scim'], routeNotFound);
  app.use(adminConsole(config.adminDistDir));
  app.use(errorHandler(logger));
  if (!scim) return app;
  const scimRequests = scim;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (isScimRequest(req.url)) scimRequests(req, res);
    else app(req, res);
  };
}

/** One line per response. Headers are left out (cookies, bearer tokens) but for the user agent. */
function accessLog(logger: Logger) {
  return pinoHttp<Request, ServerResponse>({
    logger,
    genReqId: (req) => req.id, // set by requestId, which runs first
    quietReqLogger: true, // req.log carries only the reqId, not the whole request
    wrapSerializers: false,
    serializers: {
      // The query string is left out: OIDC callbacks and email sign-in links carry codes in it.
      req: (req: Request) => ({
        method: req.method,
        path: pathOf(req.originalUrl),
        ip: req.ip,
        userAgent: req.get('user-agent'),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => PROBES.has(pathOf(req.originalUrl)) },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${pathOf(req.originalUrl)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req.originalUrl)} ${res.statusCode}`,
  });
}

function securityHeaders(publicUrl: string) {
  const https = publicUrl.startsWith('https:');
  return helmet({
    contentSecurityPolicy: {
      directives: {
        // The SPA is built to plain files: its scripts all come from this origin.
        scriptSrc: ["'self'"],
        // Naive UI (the console's component library) injects its component styles as <style> elements
        // at runtime (css-render, no nonce support); scripts stay 'self'-only, which is what stops XSS.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Over plain http (a local install) an upgrade would send the SPA's own requests to a closed port.
        upgradeInsecureRequests: https ? [] : null,
      },
    },
  });
}

function pingWithin(db: AppDeps['db'], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database ping took longer than ${ms} ms`)), ms);
  });
  return Promise.race([db.ping(), timeout]).finally(() => clearTimeout(timer));
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?', 1)[0] ?? '/';
}
