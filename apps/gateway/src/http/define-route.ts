// Routes are declarations: input schemas, response schema, the permission that gates them, and a
// handler that calls one service method. The same declarations build the Express router and
// /api/openapi.json, so the documentation cannot drift from what is served (STYLE §1).
import {
  explain,
  InvalidInput,
  PermissionDenied,
  type Action,
  type ActorContext,
  type ResolvedSession,
} from '@gatehouse/domain';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { hasBody } from './nul.js';
import { requireSession } from './session.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<
  P extends Schema | undefined,
  Q extends Schema | undefined,
  B extends Schema | undefined,
  R extends Schema | undefined,
> {
  method: HttpMethod;
  /** Express-style path relative to /api, e.g. `/teams/:teamId/members`. */
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The JSON response; omit for 204 or for handlers that stream their own response. */
  response?: R;
  /** Success status (200 by default; 201 for creates, 204 for no content). */
  status?: 200 | 201 | 202 | 204;
  /**
   * An early gate for actions that need no loaded target, and the action named in OpenAPI. The
   * service still authorises against the loaded target; this never replaces it.
   */
  action?: Action;
  /**
   * `session` (default): a signed-in browser session, resolved here. The others are resolved by the
   * handler and only documented here: `apiKey` (a tenant API key as a Bearer token, for the workflow
   * runtime), `sessionOrApiKey`, `public` (no authentication).
   */
  auth?: 'session' | 'apiKey' | 'sessionOrApiKey' | 'public';
  /** Response content types other than JSON (CSV/NDJSON exports), for OpenAPI. */
  produces?: string[];
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Set for `auth: 'session'` routes. */
  actor: ActorContext;
  session: ResolvedSession;
  req: Request;
  res: Response;
}

/** What a handler returns: the JSON body, or `undefined` after writing the response itself (streams). */
export type Handler<P, Q, B, R> = (ctx: RouteContext<P, Q, B>) => Promise<R | undefined>;

export interface Route {
  spec: RouteSpec<Schema | undefined, Schema | undefined, Schema | undefined, Schema | undefined>;
  handler: Handler<unknown, unknown, unknown, unknown>;
}

export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema | undefined = undefined,
>(spec: RouteSpec<P, Q, B, R>, handler: Handler<Out<P>, Out<Q>, Out<B>, Out<R>>): Route {
  return { spec, handler: handler as Route['handler'] };
}

// In tests every JSON response is checked against its declared schema, so contracts stay true.
const checkResponses = process.env.VITEST === 'true' || process.env.NODE_ENV === 'test';

/** Mounts routes on a router; errors (zod, domain) reach the one error handler. */
export function mountRoutes(router: Router, routes: Route[]): Router {
  for (const { spec, handler } of routes) {
    router[spec.method](spec.path, async (req, res) => {
      const session =
        (spec.auth ?? 'session') === 'session'
          ? requireSession(res)
          : (undefined as unknown as ResolvedSession);
      if (spec.action && session) gate(session.actor, spec.action);
      const params = spec.params ? spec.params.parse(req.params) : undefined;
      const query = spec.query ? spec.query.parse(req.query) : undefined;
      // A body the JSON parser left alone (a form, text/plain) is no body of ours: refused, never
      // read as an empty object whose defaults then make something the caller did not ask for.
      if (spec.body && req.body === undefined && hasBody(req)) {
        throw new InvalidInput('request.unsupported_media_type', 'Send the body as application/json.');
      }
      const body = spec.body ? spec.body.parse(req.body ?? {}) : undefined;
      const result = await handler({ params, query, body, actor: session?.actor, session, req, res });
      if (res.headersSent) return;
      const status = spec.status ?? 200;
      if (status === 204 || !spec.response) {
        res.status(status).end();
        return;
      }
      const payload = checkResponses ? spec.response.parse(result) : result;
      res.status(status).json(payload);
    });
  }
  return router;
}

function gate(actor: ActorContext, action: Action): void {
  const verdict = explain(actor, action);
  if (!verdict.allowed)
    throw new PermissionDenied('permission.denied', verdict.reason, { action, requires: verdict.requires });
}
