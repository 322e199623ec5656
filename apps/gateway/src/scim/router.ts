// The SCIM adapter (STYLE §6): checks the bearer token, the media type and the per-token rate limit,
// hands the parsed request to the domain's ScimHandler and writes `{ status, body }` as
// application/scim+json. Every request a token makes is recorded in the provisioning log.
import {
  DEFAULT_SCIM_LIMITS,
  InvalidInput,
  isDeprovisioning,
  RateLimited,
  ScimHandler,
  PermissionDenied,
  Unauthenticated,
  type ActorContext,
  type ScimPrincipal,
  type ScimResult,
} from '@gatehouse/domain';
import {
  Router,
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { RouterDeps } from '../http/deps.js';
import { toProblem, toScimError, type Problem } from '../http/errors.js';
import type { ScimMetrics } from './metrics.js';

const SCIM_JSON = 'application/scim+json; charset=utf-8';
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Per-request state the adapter keeps on `res.locals`. */
interface ScimLocals {
  started: bigint;
  principal?: ScimPrincipal;
  recorded?: boolean;
}

export interface ScimRouterDeps extends RouterDeps {
  metrics?: ScimMetrics;
}

/**
 * Mounted at /scim/v2. Returns the router and, after it, an error recorder: a request refused before
 * the router runs (malformed JSON, an oversized body) still reaches the provisioning log.
 */
export function scimRouter(deps: ScimRouterDeps): [Router, ErrorRequestHandler] {
  const { services, logger, config } = deps;
  const baseUrl = `${config.publicUrl}/scim/v2`;
  const handler = new ScimHandler(services.provisioning, {
    ...DEFAULT_SCIM_LIMITS,
    bulkMaxPayloadSize: byteCount(config.bodyLimit),
    describeError: (err) => {
      const problem = toProblem(err);
      if (problem.status >= 500) logger.error({ err }, 'SCIM bulk operation failed');
      return { status: problem.status, body: toScimError(problem) };
    },
  });
  services.provisioningLog.onError = (err) =>
    logger.warn({ err }, 'Provisioning log entries could not be written');

  const locals = (res: Response) => res.locals as ScimLocals;

  const record = (req: Request, res: Response, status: number, result?: ScimResult, problem?: Problem) => {
    const state = locals(res);
    deps.metrics?.observeRequest(req.method, status);
    if (!state.principal || state.recorded) return;
    state.recorded = true;
    services.provisioningLog.record({
      tenantId: state.principal.tenantId,
      tokenId: state.principal.tokenId,
      tokenName: state.principal.label,
      method: req.method,
      path: req.originalUrl,
      status,
      durationMs: elapsedMs(state.started),
      resourceType: result?.resourceType ?? null,
      resourceId: result?.resourceId ?? resourceIdOf(req.path),
      changes: result?.changes ?? null,
      error: problem ? `${problem.code}: ${problem.detail}` : null,
      requestId: String(req.id),
    });
  };

  const authenticate: RequestHandler = async (req, res, next) => {
    locals(res).started = process.hrtime.bigint();
    const token = bearerToken(req.get('authorization'));
    const principal = token ? await services.scimTokens.authenticate(token) : null;
    if (!principal) {
      res.set('WWW-Authenticate', 'Bearer realm="scim"');
      throw new Unauthenticated(
        'scim.unauthenticated',
        token
          ? 'The bearer token is not a valid SCIM token.'
          : 'Send a SCIM token: "Authorization: Bearer <token>".',
      );
    }
    // The owner may extend the tenant's IP allowlist to SCIM (Tenant.settings.ipAllowlistOnScim).
    if (!(await services.ipAllowlist.allowsScim(principal.tenantId, req.ip ?? null))) {
      throw new PermissionDenied(
        'ip.not_allowed',
        'This address is not on the tenant’s IP allowlist for SCIM.',
      );
    }
    locals(res).principal = principal;
    next();
  };

  const mediaType: RequestHandler = (req, _res, next) => {
    // express.json parsed application/json and application/scim+json; any other body is not SCIM.
    if (WITH_BODY.has(req.method) && req.body === undefined && hasBody(req)) {
      throw new InvalidInput(
        'request.unsupported_media_type',
        'Send the body as application/scim+json or application/json (RFC 7644 §3.1).',
        { scimType: 'invalidSyntax' },
      );
    }
    next();
  };

  const rateLimit: RequestHandler = async (req, res, next) => {
    const principal = locals(res).principal;
    // Deprovisioning (active=false, DELETE) is never throttled: a limit must not keep access alive.
    if (principal && !isDeprovisioning(req.method, req.path, req.body)) {
      const decision = await services.scimRateLimit.take(principal.tokenId);
      if (!decision.allowed) {
        throw new RateLimited('scim.rate_limited', 'Too many SCIM requests for this token; retry later.', {
          retryAfterSeconds: decision.retryAfterSeconds,
        });
      }
    }
    next();
  };

  const dispatch: RequestHandler = async (req, res) => {
    const state = locals(res);
    const principal = state.principal as ScimPrincipal;
    const actor: ActorContext = {
      kind: 'provisioner',
      tenantId: principal.tenantId,
      tokenId: principal.tokenId,
      label: principal.label,
      ip: req.ip ?? null,
    };
    const result = await handler.handle({
      method: req.method,
      path: req.path,
      query: req.query as Record<string, unknown>,
      body: req.body,
      ifMatch: req.get('if-match'),
      ifNoneMatch: req.get('if-none-match'),
      baseUrl,
      actor,
    });
    if (result.deprovisioned) {
      deps.metrics?.observeDeprovision(elapsedMs(state.started) / 1000, result.deprovisioned.sessionsRevoked);
    }
    res.status(result.status);
    for (const [name, value] of Object.entries(result.headers ?? {})) res.set(name, value);
    if (result.body === undefined || result.status === 204 || result.status === 304) res.end();
    else writeJson(res, result.body);
    record(req, res, result.status, result);
  };

  const answerError: ErrorRequestHandler = (err: unknown, req, res, _next: NextFunction) => {
    const problem = toProblem(err);
    if (problem.status >= 500) logger.error({ err, reqId: req.id, path: req.path }, 'SCIM request failed');
    record(req, res, problem.status, undefined, problem);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const retryAfter = (problem.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (problem.status === 429 && typeof retryAfter === 'number')
      res.set('Retry-After', String(Math.ceil(retryAfter)));
    writeJson(res.status(problem.status), toScimError(problem));
  };

  const router = Router();
  router.use(authenticate, mediaType, rateLimit, dispatch, answerError);

  /** Errors raised before the router (body-parser): logged for the token's tenant, then answered as usual. */
  const recordRejected: ErrorRequestHandler = async (err: unknown, req, res, next) => {
    if (!locals(res).started) locals(res).started = process.hrtime.bigint();
    const token = bearerToken(req.get('authorization'));
    const principal = token ? await services.scimTokens.authenticate(token).catch(() => null) : null;
    if (principal) {
      locals(res).principal = principal;
      record(req, res, toProblem(err).status, undefined, toProblem(err));
    }
    next(err);
  };
  return [router, recordRejected];
}

/**
 * Writes the body as it is: `res.send` would add Express's content-hash ETag, and a SCIM resource's
 * ETag is its version (RFC 7644 §3.14), set by the handler.
 */
function writeJson(res: Response, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.set('Content-Type', SCIM_JSON).set('Content-Length', String(payload.length)).end(payload);
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function hasBody(req: Request): boolean {
  const length = Number(req.get('content-length') ?? 0);
  return length > 0 || req.get('transfer-encoding') !== undefined;
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
