// A real gateway on a fresh test database (SQLite file or PostgreSQL schema), with helpers to make
// tenants and signed-in browsers. Route tests build on this instead of mocking anything.
import { randomBytes } from 'node:crypto';
import {
  createDatabase,
  createServices,
  ManualClock,
  systemActor,
  type Clock,
  type Database,
  type Services,
  type Tenant,
  type User,
} from '@gatehouse/domain';
import type { TestDatabase } from '@gatehouse/vitest-config';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';

export interface TestGateway {
  url: string;
  db: Database;
  services: Services;
  clock: ManualClock;
  config: Config;
  label: string;
  close(): Promise<void>;
}

export async function startTestGateway(
  target: TestDatabase,
  opts: { clock?: ManualClock; env?: Record<string, string> } = {},
): Promise<TestGateway> {
  const prepared = await target.prepare();
  const db = await createDatabase({ url: prepared.url, schema: prepared.schema });
  await db.migrate();
  const clock = opts.clock ?? new ManualClock(new Date());
  const services = createServices(db, { encryptionKey: randomBytes(32), clock: clock as Clock });
  const base = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', ...opts.env });
  const server: RunningServer = await startServer(
    buildApp({ db, logger: createLogger({ level: 'silent' }), config: base, services }),
    base,
  );
  // PUBLIC_URL must be the real ephemeral address for redirects and absolute locations.
  const config = { ...base, publicUrl: opts.env?.PUBLIC_URL ?? server.url };
  await server.close();
  const running = await startServer(
    buildApp({ db, logger: createLogger({ level: 'silent' }), config, services }),
    {
      host: config.host,
      port: Number(new URL(server.url).port),
    },
  );
  return {
    url: running.url,
    db,
    services,
    clock,
    config,
    label: prepared.label,
    close: async () => {
      await running.close();
      await db.close();
      await prepared.cleanup();
    },
  };
}

let counter = 0;
export const uniqueSlug = (prefix = 't'): string =>
  `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** A browser with a session cookie and the CSRF token from /api/me. */
export interface Browser {
  cookie: string;
  csrfToken: string;
  user: User;
  fetch(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

/** Signs a user in directly through the session service (the sign-in flows have their own tests). */
export async function signIn(gw: TestGateway, user: User): Promise<Browser> {
  const { token } = await gw.db.transaction((tx) =>
    gw.services.sessions.start(tx, {
      tenantId: user.tenantId,
      userId: user.id,
      method: 'email_link',
      ip: null,
      userAgent: 'test',
    }),
  );
  const cookie = `gh_session=${token}`;
  const me = await fetch(`${gw.url}/api/me`, { headers: { cookie } });
  const { csrfToken } = (await me.json()) as { csrfToken: string };
  return {
    cookie,
    csrfToken,
    user,
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('cookie', cookie);
      headers.set('x-csrf-token', csrfToken);
      if (init.json !== undefined) headers.set('content-type', 'application/json');
      const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
      return fetch(`${gw.url}${path}`, { ...init, headers, body });
    },
  };
}

export interface TestTenant {
  tenant: Tenant;
  owner: User;
}

/** A tenant whose first owner accepted the invitation. */
export async function makeTenant(gw: TestGateway, slug = uniqueSlug()): Promise<TestTenant> {
  const created = await gw.services.tenants.create({
    name: `Tenant ${slug}`,
    slug,
    ownerEmail: `owner@${slug}.test`,
  });
  const owner = await gw.services.users.acceptInvitation(created.token);
  return { tenant: created.tenant, owner };
}

/** An active user of the tenant with the given role (invited by the operator, accepted). */
export async function makeUser(
  gw: TestGateway,
  t: TestTenant,
  opts: {
    tenantRole?: 'owner' | 'manager' | 'member';
    email?: string;
    teams?: Array<{
      teamId: string;
      role: 'admin' | 'editor' | 'viewer' | 'case_manager' | 'dashboard_manager';
    }>;
  } = {},
): Promise<User> {
  const invited = await gw.services.users.invite(systemActor(t.tenant.id, 'test'), {
    email: opts.email ?? `${uniqueSlug('u')}@${t.tenant.slug}.test`,
    tenantRole: opts.tenantRole ?? 'member',
    teams: opts.teams ?? [],
  });
  return gw.services.users.acceptInvitation(invited.token);
}
