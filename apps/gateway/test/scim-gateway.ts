// A real gateway on a fresh test database for the SCIM tests, with a tenant and a SCIM token.
import { randomBytes } from 'node:crypto';
import {
  createDatabase,
  createServices,
  ManualClock,
  systemActor,
  type Database,
  type ProvisioningOptions,
  type Services,
} from '@gatehouse/domain';
import type { PreparedDatabase, TestDatabase } from '@gatehouse/vitest-config';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer, type RunningServer } from '../src/server.js';

export const PUBLIC_URL = 'https://gatehouse.example';

export interface ScimGateway {
  url: string;
  db: Database;
  services: Services;
  clock: ManualClock;
  label: string;
  close(): Promise<void>;
}

export async function startScimGateway(
  target: TestDatabase,
  provisioning: ProvisioningOptions = {},
  shared?: { db: Database; prepared?: PreparedDatabase },
): Promise<ScimGateway> {
  const prepared = shared ? undefined : await target.prepare();
  const db = shared?.db ?? (await createDatabase({ url: prepared?.url, schema: prepared?.schema }));
  if (!shared) await db.migrate();
  const clock = new ManualClock(new Date());
  const services = createServices(db, { encryptionKey: randomBytes(32), clock, provisioning });
  const config = { ...loadConfig({ LOG_LEVEL: 'silent' }), publicUrl: PUBLIC_URL };
  const server: RunningServer = await startServer(
    buildApp({ db, logger: createLogger({ level: 'silent' }), config, services }),
    { host: '127.0.0.1', port: 0 },
  );
  return {
    url: server.url,
    db,
    services,
    clock,
    label: prepared?.label ?? 'shared database',
    close: async () => {
      await server.close();
      if (!shared) {
        await db.close();
        await prepared?.cleanup();
      }
    },
  };
}

let counter = 0;

/** A tenant with a named SCIM token, and a client that sends SCIM requests with it. */
export async function scimTenant(g: ScimGateway, tokenName = 'Entra ID') {
  const slug = `scim-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  const created = await g.services.tenants.create({ name: slug, slug, ownerEmail: `owner@${slug}.test` });
  const issued = await g.services.scimTokens.create(systemActor(created.tenant.id), { name: tokenName });
  const request = (
    method: string,
    path: string,
    init: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${g.url}/scim/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${issued.token}`,
        ...(init.body !== undefined || init.raw !== undefined
          ? { 'content-type': 'application/scim+json' }
          : {}),
        ...init.headers,
      },
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
  return { tenant: created.tenant, token: issued.token, tokenId: issued.record.id, request };
}
