// The admin console's API client is checked against the gateway it talks to (issue 7): every /api route
// the SPA calls must be in /api/openapi.json with the same method, and every /auth route it posts to
// must be mounted. The route list is the SPA's own (apps/admin/src/api-routes.ts), imported as source.
import { pathToFileURL } from 'node:url';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

interface SpaRoute {
  method: string;
  path: string;
}

const sqlite = DATABASES.find((d) => d.name === 'sqlite')!;
const registry = new URL('../../../admin/src/api-routes.ts', import.meta.url);
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const label = (r: SpaRoute) => `${r.method} ${r.path}`;

describe('the admin console calls only routes the gateway serves', () => {
  let gw: TestGateway;
  let routes: SpaRoute[];
  let awaiting: Set<SpaRoute>;
  let paths: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    // A computed specifier: the SPA's module is loaded by vitest as it is, outside this package's tsc.
    const spa = (await import(pathToFileURL(registry.pathname).href)) as {
      API_ROUTES: SpaRoute[];
      AWAITING_API: Set<SpaRoute>;
    };
    routes = spa.API_ROUTES;
    awaiting = spa.AWAITING_API;
    gw = await startTestGateway(sqlite);
    paths = (
      (await (await fetch(`${gw.url}/api/openapi.json`)).json()) as typeof paths & { paths: typeof paths }
    ).paths;
  });
  afterAll(() => gw?.close());

  it('every /api route of the client is in /api/openapi.json with its method', () => {
    const api = routes.filter((r) => r.path.startsWith('/api/') && !awaiting.has(r));
    expect(api.length).toBeGreaterThan(40);
    const missing = api.filter((r) => !paths[openApiPath(r.path)]?.[r.method.toLowerCase()]).map(label);
    expect(missing).toEqual([]);
  });

  it('routes the client still waits for are not served yet (remove them from AWAITING_API when they land)', () => {
    const landed = [...awaiting]
      .filter((r) => paths[openApiPath(r.path)]?.[r.method.toLowerCase()])
      .map(label);
    if (awaiting.size) console.info(`admin console awaits: ${[...awaiting].map(label).join(', ')}`);
    expect(landed).toEqual([]);
  });

  it('every /auth route of the client is mounted (a refusal, never a 404)', async () => {
    const auth = routes.filter((r) => r.path.startsWith('/auth/'));
    expect(auth.length).toBeGreaterThan(5);
    const statuses = await Promise.all(
      auth.map(async (r) => {
        const res = await fetch(`${gw.url}${r.path}`, {
          method: r.method,
          headers: r.method === 'GET' ? {} : { 'content-type': 'application/json' },
          body: r.method === 'GET' ? undefined : '{}',
          redirect: 'manual',
        });
        return { route: label(r), status: res.status };
      }),
    );
    expect(statuses.filter((s) => s.status === 404)).toEqual([]);
  });
});
