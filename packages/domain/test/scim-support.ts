// Drives the framework-free SCIM core (ScimHandler) the way the gateway does, without HTTP.
import { DomainError } from '../src/errors.js';
import { DEFAULT_SCIM_LIMITS, ScimHandler, type ScimHandlerOptions } from '../src/scim/handler.js';
import type { ActorContext } from '../src/services/index.js';
import type { TestWorld } from './factories.js';

export const BASE_URL = 'https://gatehouse.test/scim/v2';

// The gateway's mapping (apps/gateway/src/http/errors.ts), for Bulk's per-operation statuses.
const STATUS: Record<DomainError['kind'], number> = {
  invalid: 400,
  unauthenticated: 401,
  denied: 403,
  'not-found': 404,
  conflict: 409,
  invariant: 409,
  precondition: 412,
  'rate-limited': 429,
  contention: 503,
};

export function describeError(err: unknown): { status: number; body: Record<string, unknown>; log: string } {
  if (!(err instanceof DomainError)) throw err;
  const scimType = (err.details as { scimType?: string } | undefined)?.scimType;
  return {
    status: STATUS[err.kind],
    body: { status: String(STATUS[err.kind]), scimType, detail: err.message },
    log: `${err.code}: ${err.message}`,
  };
}

export interface ScimCall {
  status: number;
  body: Record<string, unknown> & { Resources?: Array<Record<string, unknown>>; id?: string };
  headers: Record<string, string>;
}

/** A client of the tenant's SCIM endpoint; `limits` replace the gateway's defaults (e.g. a small member budget). */
export function scimClient(
  w: TestWorld,
  tenantId: string,
  label = 'entra',
  limits: Partial<Pick<ScimHandlerOptions, 'listMembersBudget'>> = {},
) {
  const actor: ActorContext = { kind: 'provisioner', tenantId, tokenId: `token-${label}`, label };
  const handler = new ScimHandler(w.services.provisioning, {
    ...DEFAULT_SCIM_LIMITS,
    bulkMaxPayloadSize: 1_048_576,
    describeError,
    ...limits,
  });
  /** A request as the gateway hands it over; errors come back as the gateway would answer them. */
  async function call(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    headers: { ifMatch?: string; ifNoneMatch?: string } = {},
  ): Promise<ScimCall> {
    const [path = '', search = ''] = pathAndQuery.split('?');
    const query = Object.fromEntries(new URLSearchParams(search));
    try {
      const result = await handler.handle({
        method,
        path,
        query,
        body,
        baseUrl: BASE_URL,
        actor,
        ...headers,
      });
      return {
        status: result.status,
        body: (result.body ?? {}) as ScimCall['body'],
        headers: result.headers ?? {},
      };
    } catch (err) {
      const described = describeError(err);
      return { status: described.status, body: described.body, headers: {} };
    }
  }
  /** POST /Bulk with these operations (and `failOnErrors`); the answer, its operations as `ops`. */
  async function bulk(Operations: unknown[], options: { failOnErrors?: number } = {}) {
    const res = await call('POST', '/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      ...options,
      Operations,
    });
    return { ...res, ops: (res.body['Operations'] ?? []) as Array<Record<string, unknown>> };
  }
  return { actor, handler, call, bulk };
}
