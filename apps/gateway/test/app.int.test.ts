import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, NotFound, type Database } from '@gatehouse/domain';
import { DATABASES, type PreparedDatabase } from '@gatehouse/vitest-config';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type AppDeps } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer, type RunningServer } from '../src/server.js';
import { capturedLogger } from './support/logs.js';

const INDEX_HTML = '<!doctype html><title>Gatehouse</title><div id="app"></div>';

/** Routes that exist only to reach the app's shared middleware from a test. */
function testApi(): express.Router {
  const api = express.Router();
  api.post('/echo', (req, res) => {
    res.json({ received: req.body });
  });
  api.get('/boom', () => {
    throw new Error('connect ECONNREFUSED db.internal password=hunter2');
  });
  api.get('/widgets/:id', (req) => {
    throw new NotFound('widget.not_found', `No widget ${req.params.id}.`);
  });
  return api;
}

describe.each(DATABASES)('gateway app on $name', ({ prepare }) => {
  let prepared: PreparedDatabase;
  let db: Database;
  let distDir: string;
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    prepared = await prepare();
    db = await createDatabase({ url: prepared.url, schema: prepared.schema });
    await db.migrate();
    distDir = mkdtempSync(join(tmpdir(), 'gatehouse-admin-dist-'));
    mkdirSync(join(distDir, 'assets'));
    writeFileSync(join(distDir, 'index.html'), INDEX_HTML);
    writeFileSync(join(distDir, 'assets', 'index-3f2a1b.js'), 'console.log("spa")');
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await db?.close();
    await prepared?.cleanup();
    if (distDir) rmSync(distDir, { recursive: true, force: true });
  });

  async function serve(overrides: Partial<AppDeps> & { adminDistDir?: string } = {}): Promise<string> {
    const config = {
      ...loadConfig({ LOG_LEVEL: 'silent' }),
      adminDistDir: overrides.adminDistDir ?? distDir,
    };
    const app = buildApp({
      db,
      logger: createLogger({ level: 'silent' }),
      config,
      api: testApi(),
      ...overrides,
    });
    const server = await startServer(app, { host: '127.0.0.1', port: 0 });
    servers.push(server);
    return server.url;
  }

  const postJson = (url: string, body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('GET /healthz answers 200 ok', async () => {
    const res = await fetch(`${await serve()}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 while the database answers, and 503 without detail once it is closed', async () => {
    const own = await createDatabase({ url: prepared.url, schema: prepared.schema });
    const url = await serve({ db: own });

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    await own.close();
    const down = await fetch(`${url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable' });
  });

  it('a JSON body reaches the route parsed', async () => {
    const res = await postJson(`${await serve()}/api/echo`, '{"name":"Ops"}');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: { name: 'Ops' } });
  });

  it('an application/scim+json body is parsed as JSON too', async () => {
    const res = await fetch(`${await serve()}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/scim+json' },
      body: '{"userName":"ada"}',
    });
    expect(await res.json()).toEqual({ received: { userName: 'ada' } });
  });

  it('malformed JSON is a 400 request.malformed_json in the API error shape', async () => {
    const res = await postJson(`${await serve()}/api/echo`, '{"name": ');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: { code: 'request.malformed_json', message: 'The request body is not valid JSON.' },
    });
  });

  // Characters no stored value may hold (http/nul.ts), in each place JSON can escape one.
  it.each([
    {
      what: 'a NUL character',
      code: 'request.nul_character',
      refused: ['{"name":"a\\u0000b"}', '{"a":{"b\\u0000":1}}', '[["\\u0000"]]'],
      text: 'a\\u0000b',
    },
    {
      what: 'a lone surrogate',
      code: 'request.lone_surrogate',
      refused: ['{"name":"a\\ud83db"}', '{"a":{"b\\uDC00":1}}', '[["\\ude00\\ud83d"]]'],
      text: 'a\\ud83db',
    },
  ])(
    '$what escaped in a JSON value or key is a 400 $code; the escape itself, its backslash escaped, is text',
    async ({ code, refused, text }) => {
      const url = await serve();
      for (const body of refused) {
        const res = await postJson(`${url}/api/echo`, body);
        expect(res.status, body).toBe(400);
        expect(await res.json()).toMatchObject({ error: { code } });
      }
      const echoed = await postJson(`${url}/api/echo`, JSON.stringify({ name: text }));
      expect(await echoed.json()).toEqual({ received: { name: text } });
    },
  );

  it('a NUL character in the URL is a 400; an escaped surrogate pair is its character', async () => {
    const url = await serve();
    const inUrl = await fetch(`${url}/api/widgets/a%00b`);
    expect(inUrl.status).toBe(400);
    expect(await inUrl.json()).toMatchObject({ error: { code: 'request.nul_character' } });
    const pair = await postJson(`${url}/api/echo`, '{"name":"a\\ud83d\\ude00b"}');
    expect(await pair.json()).toEqual({ received: { name: 'a😀b' } });
  });

  it('a body over the 1 MB limit is a 413 request.too_large', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) });
    const res = await postJson(`${await serve()}/api/echo`, big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'request.too_large' } });
  });

  it('a domain error thrown by a route is answered with its status and code', async () => {
    const res = await fetch(`${await serve()}/api/widgets/w1`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'widget.not_found', message: 'No widget w1.' } });
  });

  it('an unexpected error is a 500 without its cause, which is logged with the request id', async () => {
    const { logger, lines } = capturedLogger();
    const url = await serve({ logger });
    const res = await fetch(`${url}/api/boom`, { headers: { 'x-request-id': 'trace-500' } });

    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'Internal error.' } });
    expect(text).not.toMatch(/hunter2|ECONNREFUSED/);
    const failure = lines().find((l) => l.msg === 'Request failed');
    expect(failure).toMatchObject({ level: 50, reqId: 'trace-500', path: '/api/boom' });
    expect(JSON.stringify(failure)).toContain('ECONNREFUSED');
  });

  it('the access log leaves out cookies, authorization and the query string', async () => {
    const { logger, lines } = capturedLogger();
    const url = await serve({ logger });
    await fetch(`${url}/api/widgets/w1?code=oidc-code-1`, {
      headers: { authorization: 'Bearer tok-1', cookie: 'sid=cookie-1', 'user-agent': 'gatehouse-test' },
    });
    const access = lines().find((l) => l.msg === 'GET /api/widgets/w1 404');
    expect(access).toMatchObject({
      req: { method: 'GET', path: '/api/widgets/w1', userAgent: 'gatehouse-test' },
    });
    expect(JSON.stringify(lines())).not.toMatch(/tok-1|cookie-1|oidc-code-1/);
  });

  it('a valid incoming X-Request-Id is echoed', async () => {
    const res = await fetch(`${await serve()}/healthz`, { headers: { 'x-request-id': 'lb-7f3a.01_x' } });
    expect(res.headers.get('x-request-id')).toBe('lb-7f3a.01_x');
  });

  it.each([
    ['none', undefined],
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'id with spaces'],
    ['markup', '<script>'],
  ])('a request id is generated when the incoming one is %s', async (_why, incoming) => {
    const headers: Record<string, string> = incoming === undefined ? {} : { 'x-request-id': incoming };
    const res = await fetch(`${await serve()}/healthz`, { headers });
    expect(res.headers.get('x-request-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it.each(['/api/nope', '/api', '/api/echo/extra'])(
    'GET %s with no route is a 404 route.not_found in JSON',
    async (path) => {
      const res = await fetch(`${await serve()}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'route.not_found' } });
    },
  );

  it('under /scim/ errors are answered in SCIM format', async () => {
    const url = await serve();
    const malformed = await fetch(`${url}/scim/v2/Users`, {
      method: 'POST',
      headers: { 'content-type': 'application/scim+json' },
      body: '{"userName": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(await malformed.json()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidSyntax',
      detail: 'The request body is not valid JSON.',
    });

    const unknown = await fetch(`${url}/scim/v2/Nothing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ status: '404' });
  });

  it('responses carry security headers and no X-Powered-By', async () => {
    const res = await fetch(`${await serve()}/`);
    expect(res.headers.get('x-powered-by')).toBeNull();
    const csp = new Map(
      (res.headers.get('content-security-policy') ?? '').split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('style-src')).toBe("'self' 'unsafe-inline'");
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('behind https, the CSP upgrades insecure requests', async () => {
    const config = { ...loadConfig({ PUBLIC_URL: 'https://gatehouse.example.com' }), adminDistDir: distDir };
    const url = await serve({ config });
    const res = await fetch(`${url}/healthz`);
    expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it.each([
    [false, '127.0.0.1'],
    [['loopback'], '203.0.113.9'],
  ])('with trust proxy %o the logged client address is %s', async (trustProxy, ip) => {
    const { logger, lines } = capturedLogger();
    const config = { ...loadConfig({}), trustProxy, adminDistDir: distDir };
    const url = await serve({ logger, config });
    await fetch(`${url}/api/nope`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(lines().find((l) => l.msg === 'GET /api/nope 404')).toMatchObject({ req: { ip } });
  });

  it.each(['/', '/teams/t1/members', '/login'])(
    'GET %s serves the SPA index.html, revalidated each time',
    async (path) => {
      const res = await fetch(`${await serve()}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(INDEX_HTML);
    },
  );

  it('fingerprinted assets are cached as immutable, and a missing one is not index.html', async () => {
    const url = await serve();
    const asset = await fetch(`${url}/assets/index-3f2a1b.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log("spa")');

    const missing = await fetch(`${url}/assets/index-000000.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain(INDEX_HTML);
  });

  it('without a built admin console, / is a 503 page saying to run pnpm build', async () => {
    const url = await serve({ adminDistDir: join(distDir, 'not-built') });
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/admin console is not built[\s\S]*pnpm build/);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
  });
});
