// Component-test helpers: a signed-in actor built as GET /api/me answers, and a fake gateway answering
// fetch by "METHOD /path" — the components, stores and API client above it are the real ones.
import type { MeResponse } from '@gatehouse/domain/contracts';
import type { TeamRole, TenantRole } from '@gatehouse/domain/permissions';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { vi } from 'vitest';
import { useSessionStore } from '../features/auth/session.store';
import { setCsrfToken } from '../shared/api/client';

export function meAs(tenantRole: TenantRole, teamRoles: Record<string, TeamRole> = {}): MeResponse {
  return {
    user: { id: `me-${tenantRole}`, email: `${tenantRole}@example.com`, displayName: null, tenantRole },
    tenant: { id: 'tenant-1', slug: 'acme', name: 'Acme' },
    teamRoles,
    features: { cases: false, customObjectSharing: false },
    csrfToken: 'csrf-test',
  };
}

/** A Pinia whose session store holds `me`, as after the router guard loaded /api/me. */
export function signedInAs(tenantRole: TenantRole, teamRoles: Record<string, TeamRole> = {}): Pinia {
  const pinia = createPinia();
  setActivePinia(pinia);
  const session = useSessionStore(pinia);
  session.me = meAs(tenantRole, teamRoles);
  session.status = 'ready';
  setCsrfToken(session.me.csrfToken);
  return pinia;
}

type Reply =
  | { status?: number; body?: unknown }
  | ((init: RequestInit, url: URL) => { status?: number; body?: unknown });

/** Stubs fetch: `{ 'GET /api/users': { body: … } }`; unknown routes answer the gateway's JSON 404. */
export function fakeGateway(routes: Record<string, Reply>) {
  const calls: Array<{
    method: string;
    path: string;
    search: string;
    body: unknown;
    headers: HeadersInit | undefined;
  }> = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://console.test');
    const method = init.method ?? 'GET';
    calls.push({
      method,
      path: url.pathname,
      search: url.search,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
      headers: init.headers,
    });
    const reply = routes[`${method} ${url.pathname}`];
    const answer = typeof reply === 'function' ? reply(init, url) : reply;
    if (!answer) {
      return json(404, {
        error: { code: 'route.not_found', message: `No route matches ${method} ${url.pathname}.` },
      });
    }
    return answer.body === undefined
      ? new Response(null, { status: answer.status ?? 204 })
      : json(answer.status ?? 200, answer.body);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** Waits until `check` passes (async loads and Naive UI's transitions), failing after ~1 s. */
export async function eventually(check: () => void, tries = 50): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      check();
      return;
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
