// The one way the SPA talks to the gateway (STYLE §7): `call(route, input)`, typed by the contract
// schemas of `@gatehouse/domain/contracts`, with the session cookie and the in-memory CSRF token.
// Routes carry their types only (the schemas are imported as types), so the shell's bundle stays free
// of zod; forms that validate inline import the schemas they need in their own lazy chunk.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];
export type Query = Record<string, QueryValue>;

/** What a call may carry. Path parameters fill `:name` segments of the route's path. */
export interface RouteInput {
  params?: Record<string, string>;
  query?: object;
  body?: unknown;
}

/**
 * A route of the admin API as the SPA knows it: method and path (checked against the gateway's
 * /api/openapi.json by a test), and the input and output types from the contracts.
 */
export interface ApiRoute<In extends RouteInput = RouteInput, Out = unknown> {
  readonly method: HttpMethod;
  readonly path: string;
  /** Phantom: never set, only carries the types. */
  readonly types?: { in: In; out: Out };
}

export function route<Out, In extends RouteInput = Record<never, never>>(
  method: HttpMethod,
  path: `/${string}`,
): ApiRoute<In, Out> {
  return Object.freeze({ method, path });
}

/** A failed API call: the HTTP status and the gateway's `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly details?: unknown,
  ) {
    super(detail);
  }
}

// The CSRF token lives only in memory: nothing about the session goes to browser storage (STYLE §7).
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Hooks = {
  /** A 401 on any call other than the session probe: the session ended under us. */
  onUnauthorized?: () => void;
  /** A stale CSRF token: refresh it (GET /api/me), then the call is retried once. */
  refreshCsrf?: () => Promise<void>;
};
let hooks: Hooks = {};

export function setApiHooks(next: Hooks): void {
  hooks = next;
}

type Args<In extends RouteInput> = Record<never, never> extends In ? [input?: In] : [input: In];

export async function call<In extends RouteInput, Out>(
  apiRoute: ApiRoute<In, Out>,
  ...[input]: Args<In>
): Promise<Out> {
  const response = await send(apiRoute, input, 'application/json');
  // 204 and some 202s have no body. The gateway checks each JSON response against its contract
  // schema in tests; here the contract types are trusted.
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as Out;
}

/** Streams a response body (CSV/NDJSON exports), reporting bytes as they arrive; abortable. */
export async function download<In extends RouteInput>(
  apiRoute: ApiRoute<In, unknown>,
  input: In,
  opts: { accept: string; signal?: AbortSignal; onProgress?: (bytes: number) => void },
): Promise<Blob> {
  const response = await send(apiRoute, input, opts.accept, opts.signal);
  const type = response.headers.get('content-type') ?? opts.accept;
  if (!response.body) return new Blob([await response.arrayBuffer()], { type });
  const reader = response.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value as Uint8Array<ArrayBuffer>);
    bytes += value.byteLength;
    opts.onProgress?.(bytes);
  }
  return new Blob(chunks, { type });
}

/** `/api/teams/:teamId` + { teamId } → `/api/teams/t1`, with the query string appended. */
export function urlFor(apiRoute: ApiRoute, input: RouteInput = {}): string {
  const path = apiRoute.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = input.params?.[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name} for ${apiRoute.path}`);
    return encodeURIComponent(value);
  });
  const search = toSearch((input.query ?? {}) as Query);
  return search ? `${path}?${search}` : path;
}

function toSearch(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  return params.toString();
}

async function send(
  apiRoute: ApiRoute,
  input: RouteInput | undefined,
  accept: string,
  signal?: AbortSignal,
  retried = false,
): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept };
  // A state-changing call always sends JSON (`{}` when it has nothing to say): the /auth routes require it.
  const body = input?.body ?? (apiRoute.method === 'GET' || apiRoute.method === 'DELETE' ? undefined : {});
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(urlFor(apiRoute, input), {
      method: apiRoute.method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    // fetch rejects only when no response arrived (offline, DNS, gateway down).
    throw new ApiError(0, 'network.unreachable', 'The server could not be reached. Check your connection.');
  }
  if (response.ok) return response;

  const error = await toApiError(response);
  if (error.code === 'csrf.invalid' && !retried && hooks.refreshCsrf) {
    await hooks.refreshCsrf();
    return send(apiRoute, input, accept, signal, true);
  }
  // /auth answers 401 for a refused sign-in step; only an /api 401 means the session ended.
  if (error.status === 401 && apiRoute.path.startsWith('/api/') && apiRoute.path !== '/api/me')
    hooks.onUnauthorized?.();
  throw error;
}

async function toApiError(response: Response): Promise<ApiError> {
  const payload: unknown = await response.json().catch(() => undefined);
  const error = isRecord(payload) && isRecord(payload.error) ? payload.error : undefined;
  const code = typeof error?.code === 'string' ? error.code : `http.${response.status}`;
  const message =
    typeof error?.message === 'string' ? error.message : response.statusText || 'The request failed.';
  return new ApiError(response.status, code, message, error?.details);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The output type of a contract schema that has no exported type of its own (Standard Schema). */
export type Infer<S extends { readonly '~standard': { readonly types?: { readonly output: unknown } } }> =
  NonNullable<S['~standard']['types']>['output'];
