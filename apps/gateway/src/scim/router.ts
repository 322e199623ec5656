// The SCIM adapter (STYLE §6). IdPs are machines sending thousands of small requests, so SCIM is
// served straight from node:http rather than through the admin app's Express stack (helmet,
// pino-http, the router): a fixed set of API security headers, one access-log line per response, the
// body parsed by the same body-parser with the same limit.
// It checks the bearer token, the tenant's IP allowlist, the media type and the per-token rate
// limit, hands the parsed request to the domain's ScimHandler and writes `{ status, body }` as
// application/scim+json. Every request a token makes is recorded in the provisioning log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import {
  DEFAULT_SCIM_LIMITS,
  InvalidInput,
  isDeprovisioning,
  ScimHandler,
  scimRateLimited,
  PermissionDenied,
  Unauthenticated,
  type ActorContext,
  type ScimPrincipal,
  type ScimRequest,
  type ScimResult,
} from '@gatehouse/domain';
import type { Request, Response } from 'express';
import proxyAddr from 'proxy-addr';
import type { TrustProxy } from '../config.js';
import type { RouterDeps } from '../http/deps.js';
import { retryAfterOf, toProblem, toScimError, type Problem } from '../http/errors.js';
import { bodyRefusal, hasBody, jsonBodyParser, nulRefused, urlHoldsNul } from '../http/nul.js';
import { requestIdOf, REQUEST_ID_HEADER } from '../http/request-id.js';
import type { ScimMetrics } from './metrics.js';

const SCIM_JSON = 'application/scim+json; charset=utf-8';
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
export const SCIM_BASE_PATH = '/scim/v2';

export interface ScimListenerDeps extends RouterDeps {
  metrics?: ScimMetrics;
  /** Express's compiled `trust proxy` setting, so req.ip means the same here as in the admin app. */
  trustProxy: (addr: string, hop: number) => boolean;
}

/**
 * What every SCIM answer carries. A JSON API is never rendered, so the console's page policy (helmet's
 * dozen headers, most about documents) gives way to the OWASP REST set: nothing may be framed, sniffed
 * or loaded, and no cache keeps the personal data in an answer. HSTS when served over https.
 */
function securityHeaders(publicUrl: string): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ['Cache-Control', 'no-store'],
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
  ];
  if (publicUrl.startsWith('https:')) {
    headers.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']);
  }
  return headers;
}

/** One SCIM request as the adapter sees it. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  id: string;
  started: bigint;
  /** Under /scim/v2, without the query string. */
  path: string;
  search: string;
  ip: string;
  /** Whose log the request goes to: the token's, also a revoked token's (then refused). */
  principal?: Pick<ScimPrincipal, 'tenantId' | 'tokenId' | 'label'>;
  recorded?: boolean;
}

/** Whether a request's URL is under /scim/v2 (matched case-insensitively, as Express mounts were). */
export function isScimRequest(url: string | undefined): boolean {
  const u = url ?? '';
  const prefix = u.slice(0, SCIM_BASE_PATH.length).toLowerCase();
  const next = u.charAt(SCIM_BASE_PATH.length);
  return prefix === SCIM_BASE_PATH && (next === '' || next === '/' || next === '?');
}

/** The node:http listener for everything under /scim/v2 (see isScimRequest). */
export function scimListener(deps: ScimListenerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { services, logger, config } = deps;
  const baseUrl = `${config.publicUrl}${SCIM_BASE_PATH}`;
  const fixedHeaders = securityHeaders(config.publicUrl).flat();
  const handler = new ScimHandler(services.provisioning, {
    ...DEFAULT_SCIM_LIMITS,
    bulkMaxPayloadSize: byteCount(config.bodyLimit),
    describeError: (err) => {
      const problem = toProblem(err);
      if (problem.status >= 500) logger.error({ err }, 'SCIM bulk operation failed');
      return { status: problem.status, body: toScimError(problem), log: logLine(problem) };
    },
  });
  services.provisioningLog.onError = (err) =>
    logger.warn({ err }, 'Provisioning log entries could not be written');
  const parseJson = jsonBodyParser(config.bodyLimit);
  // With no proxy trusted the client is the socket's peer: what proxy-addr answers then, without it
  // reading X-Forwarded-For on every request.
  const clientIp = trustsNoProxy(config.trustProxy)
    ? (req: IncomingMessage) => req.socket.remoteAddress ?? ''
    : (req: IncomingMessage) => proxyAddr(req, deps.trustProxy);
  const readBody = (x: Exchange) =>
    new Promise<unknown>((resolve, reject) => {
      const req = x.req as Request;
      parseJson(req, x.res as Response, (err?: unknown) => (err ? reject(err) : resolve(req.body)));
    });

  const record = (x: Exchange, status: number, result?: ScimResult, problem?: Problem) => {
    deps.metrics?.observeRequest(x.req.method ?? 'GET', status);
    const principal = x.principal;
    if (!principal || x.recorded) return;
    x.recorded = true;
    services.provisioningLog.record({
      tenantId: principal.tenantId,
      tokenId: principal.tokenId,
      tokenName: principal.label,
      method: x.req.method ?? 'GET',
      path: loggedPath(x.req.url ?? ''),
      status,
      durationMs: elapsedMs(x.started),
      resourceType: result?.resourceType ?? null,
      resourceId: result?.resourceId ?? resourceIdOf(x.path),
      changes: result?.changes ?? null,
      error: problem ? logLine(problem) : null,
      requestId: x.id,
    });
    // A Bulk request's operations each get an entry too, so a resource's history shows them.
    for (const op of result?.operations ?? []) {
      services.provisioningLog.record({
        tenantId: principal.tenantId,
        tokenId: principal.tokenId,
        tokenName: principal.label,
        method: op.method,
        path: `${SCIM_BASE_PATH}${op.path}`,
        status: op.status,
        durationMs: op.durationMs,
        resourceType: op.resourceType ?? null,
        resourceId: op.resourceId ?? resourceIdOf(op.path),
        changes: op.changes ?? null,
        error: op.error ?? null,
        requestId: x.id,
      });
    }
  };

  const authenticate = async (x: Exchange): Promise<ScimPrincipal> => {
    const token = bearerToken(x.req.headers.authorization);
    const principal = token ? await services.scimTokens.authenticate(token) : null;
    if (!principal) {
      x.res.setHeader('WWW-Authenticate', 'Bearer realm="scim"');
      // Answered as any unknown token is; its tenant's log says it was a revoked one.
      const revoked = token ? await services.scimTokens.revokedPrincipal(token) : null;
      if (revoked) x.principal = revoked;
      throw new Unauthenticated(
        revoked ? 'scim.token_revoked' : 'scim.unauthenticated',
        token
          ? 'The bearer token is not a valid SCIM token.'
          : 'Send a SCIM token: "Authorization: Bearer <token>".',
      );
    }
    // The owner may extend the tenant's IP allowlist to SCIM (Tenant.settings.ipAllowlistOnScim).
    if (!(await services.ipAllowlist.allowsScim(principal, x.ip))) {
      throw new PermissionDenied(
        'ip.not_allowed',
        'This address is not on the tenant’s IP allowlist for SCIM.',
      );
    }
    return principal;
  };

  /**
   * Deprovisioning (active=false, DELETE) is never throttled: a limit must not keep access alive. A
   * Bulk request carrying some still counts, and past the limit only those operations of it run
   * (`throttled`): one DELETE in it must not carry a thousand other writes past the limit.
   */
  const rateLimit = async (
    x: Exchange,
    principal: ScimPrincipal,
    body: unknown,
  ): Promise<ScimRequest['throttled']> => {
    const method = x.req.method ?? 'GET';
    const deprovisioning = isDeprovisioning(method, x.path, body);
    const bulk = /^\/bulk\/?$/i.test(x.path);
    if (deprovisioning && !bulk) return undefined;
    const decision = await services.scimRateLimit.take(principal.tokenId);
    if (decision.allowed) return undefined;
    if (deprovisioning) return { retryAfterSeconds: decision.retryAfterSeconds };
    throw scimRateLimited(decision.retryAfterSeconds);
  };

  const serve = async (x: Exchange) => {
    const method = x.req.method ?? 'GET';
    const principal = await authenticate(x);
    x.principal = principal;
    // Read only once the caller is known: an anonymous client cannot make the gateway buffer bodies.
    // A request without a body (most of an IdP's: GET, DELETE) skips the parser's own checks.
    if (urlHoldsNul(x.req.url)) throw nulRefused();
    const body = hasBody(x.req) ? await readBody(x) : undefined;
    const refused = bodyRefusal(x.req, body);
    if (refused) throw refused;
    // body-parser parsed application/json and application/scim+json; any other body is not SCIM.
    if (WITH_BODY.has(method) && body === undefined && hasBody(x.req)) {
      throw new InvalidInput(
        'request.unsupported_media_type',
        'Send the body as application/scim+json or application/json (RFC 7644 §3.1).',
        { scimType: 'invalidSyntax' },
      );
    }
    const throttled = await rateLimit(x, principal, body);
    const actor: ActorContext = {
      kind: 'provisioner',
      tenantId: principal.tenantId,
      tokenId: principal.tokenId,
      label: principal.label,
      ip: x.ip,
    };
    const result = await handler.handle({
      // HEAD is GET without the body (RFC 9110 §9.3.2); node's response leaves the body out itself.
      method: method === 'HEAD' ? 'GET' : method,
      path: x.path,
      query: parseQuery(x.search),
      body,
      ifMatch: header(x.req, 'if-match'),
      ifNoneMatch: header(x.req, 'if-none-match'),
      baseUrl,
      actor,
      throttled,
    });
    if (result.deprovisioned) {
      deps.metrics?.observeDeprovision(elapsedMs(x.started) / 1000, result.deprovisioned.sessionsRevoked);
    }
    // `json` first: reading `body` of a result that has it would parse the text again.
    const payload = result.json ?? (result.body === undefined ? undefined : JSON.stringify(result.body));
    const bodiless = payload === undefined || result.status === 204 || result.status === 304;
    send(x, result.status, result.headers, bodiless ? undefined : payload);
    record(x, result.status, result);
  };

  const answerError = (x: Exchange, err: unknown) => {
    const problem = toProblem(err);
    if (problem.status >= 500) logger.error({ err, reqId: x.id, path: x.path }, 'SCIM request failed');
    record(x, problem.status, undefined, problem);
    if (x.res.headersSent) {
      x.res.destroy();
      return;
    }
    const retryAfter = retryAfterOf(problem);
    send(
      x,
      problem.status,
      retryAfter === undefined ? undefined : { 'Retry-After': retryAfter },
      JSON.stringify(toScimError(problem)),
    );
  };

  /**
   * The status, headers and JSON in one `writeHead`: given as one list before any `setHeader`,
   * node writes them as they are instead of storing each in the response's header map first.
   */
  const send = (
    x: Exchange,
    status: number,
    extra: Record<string, string> | undefined,
    payload?: string | Buffer,
  ) => {
    const list = [...fixedHeaders, REQUEST_ID_HEADER, x.id];
    if (extra) for (const [name, value] of Object.entries(extra)) list.push(name, value);
    // Small answers are strings, which go out joined to the head; bytes put together from kept
    // renderings (pages) go as they are, with the head, in one corked write.
    if (payload !== undefined) {
      list.push('Content-Type', SCIM_JSON, 'Content-Length', String(Buffer.byteLength(payload)));
    }
    x.res.writeHead(status, list);
    x.res.end(payload);
  };

  const logAccess = (x: Exchange) => {
    const status = x.res.statusCode;
    const level = status >= 500 ? 'error' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    // The shape of the admin app's access log (pino-http); the query string is left out.
    logger[level](
      {
        reqId: x.id,
        req: {
          method: x.req.method,
          path: SCIM_BASE_PATH + x.path,
          ip: x.ip,
          userAgent: x.req.headers['user-agent'],
        },
        res: { statusCode: status },
        responseTime: Math.round(elapsedMs(x.started)),
      },
      `${x.req.method} ${SCIM_BASE_PATH}${x.path} ${status}`,
    );
  };

  return (req, res) => {
    const url = req.url ?? SCIM_BASE_PATH;
    const q = url.indexOf('?');
    const rest = (q < 0 ? url : url.slice(0, q)).slice(SCIM_BASE_PATH.length);
    const x: Exchange = {
      req,
      res,
      id: requestIdOf(header(req, REQUEST_ID_HEADER)),
      started: process.hrtime.bigint(),
      path: rest === '' ? '/' : rest,
      search: q < 0 ? '' : url.slice(q + 1),
      ip: clientIp(req),
    };
    serve(x)
      .catch((err: unknown) => answerError(x, err))
      // Once the answer is handed to the socket (or the connection cut): its status is known.
      .finally(() => logAccess(x));
  };
}

/** The provisioning log's error line of a refused request. */
function logLine(problem: Problem): string {
  return `${problem.code}: ${problem.detail}`;
}

/**
 * The path and query a log entry shows. A query that names a password (a filter on it, refused) is
 * left out: the log keeps no secret a client put in a URL.
 */
function loggedPath(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  let query = url.slice(q + 1);
  try {
    query = decodeURIComponent(query.replace(/\+/g, ' '));
  } catch {
    // not percent-encoding: looked at as it is
  }
  return /password/i.test(query) ? `${url.slice(0, q)}?[redacted]` : url;
}

function trustsNoProxy(trust: TrustProxy): boolean {
  return trust === false || trust === 0 || (Array.isArray(trust) && trust.length === 0);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function elapsedMs(started: bigint | undefined): number {
  return started === undefined ? 0 : Number(process.hrtime.bigint() - started) / 1e6;
}

/** `/Users/<id>` → the id, so a refused request still shows in that resource's history. */
function resourceIdOf(path: string): string | null {
  const [head, id] = path.split('/').filter(Boolean);
  return head && id && id !== '.search' && /^(users|groups)$/i.test(head) ? id.slice(0, 64) : null;
}

/** body-parser's limit notation (`1mb`, `512kb`, a byte count) in bytes, for maxPayloadSize. */
function byteCount(limit: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(limit.trim());
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m?.[2] ?? 'b').toLowerCase() as 'b'];
  return m ? Math.floor(Number(m[1]) * unit) : 1_048_576;
}
