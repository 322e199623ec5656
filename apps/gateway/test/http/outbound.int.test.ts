// Tenant-supplied URLs reach public addresses only (http/outbound.ts): an address in the URL, a name
// that resolves to a private one and the gateway's own wiring (the audit webhook's test send, SSO
// discovery tests) are refused with a sentence that says why; a local install, or
// OUTBOUND_ALLOW_PRIVATE=true, allows them.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcClients } from '../../src/auth/oidc.js';
import { loadConfig } from '../../src/config.js';
import { isPrivateAddress, outboundFetch } from '../../src/http/outbound.js';
import { createLogger } from '../../src/logger.js';
import { openRuntime } from '../../src/runtime.js';

let receiver: Server;
let port = 0;
let received = 0;

beforeAll(async () => {
  receiver = createServer((_req, res) => {
    received += 1;
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

describe('private and public addresses', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['::1', true],
    ['::', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['64:ff9b::a00:1', true],
    ['not an address', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['93.184.216.34', false],
    ['2606:4700:4700::1111', false],
    ['::ffff:8.8.8.8', false],
  ])('%s private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('outboundFetch', () => {
  const refusal = async (url: string) => {
    const err = await outboundFetch({ allowPrivate: false })(url).then(
      () => undefined,
      (e: unknown) => e as { cause?: { code?: string; message?: string } },
    );
    return err?.cause;
  };

  it('refuses a private address written in the URL, and one a name resolves to, before connecting', async () => {
    const before = received;
    for (const url of [`http://127.0.0.1:${port}/`, `http://[::1]:${port}/`, `http://localhost:${port}/`]) {
      const cause = await refusal(url);
      expect(cause?.code, url).toBe('EPRIVATEADDRESS');
      expect(cause?.message).toMatch(/is a private or local address; Gatehouse calls only public addresses/);
    }
    expect(received).toBe(before);
  });

  it('takes a URL and options, not a Request whose method and body it would drop', async () => {
    const request = new Request(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x' });
    await expect(outboundFetch({ allowPrivate: false })(request)).rejects.toThrow(/not a Request/);
  });

  it('with private addresses allowed, it is the platform’s fetch', async () => {
    expect(outboundFetch({ allowPrivate: true })).toBe(fetch);
    const res = await outboundFetch({ allowPrivate: true })(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(204);
  });
});

describe('OUTBOUND_ALLOW_PRIVATE', () => {
  it('defaults to allowed only for a gateway on loopback (a local install)', () => {
    expect(loadConfig({}).outboundAllowPrivate).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).outboundAllowPrivate).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'http://[::1]:3000' }).outboundAllowPrivate).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'https://gatehouse.example.com' }).outboundAllowPrivate).toBe(false);
    expect(loadConfig({ HOST: '0.0.0.0' }).outboundAllowPrivate).toBe(false);
  });

  it('says so explicitly either way, and refuses anything else', () => {
    const pub = { PUBLIC_URL: 'https://gatehouse.example.com' };
    expect(loadConfig({ ...pub, OUTBOUND_ALLOW_PRIVATE: 'true' }).outboundAllowPrivate).toBe(true);
    expect(loadConfig({ OUTBOUND_ALLOW_PRIVATE: 'false' }).outboundAllowPrivate).toBe(false);
    expect(() => loadConfig({ OUTBOUND_ALLOW_PRIVATE: 'yes' })).toThrow(
      /OUTBOUND_ALLOW_PRIVATE: must be true or false/,
    );
  });
});

describe('the gateway’s wiring', () => {
  it('SSO sign-in discovers an issuer through the same fetch: a private one is refused', async () => {
    const oidc = new OidcClients(createLogger({ level: 'silent' }), outboundFetch({ allowPrivate: false }));
    const before = received;
    const failure = await oidc
      .configuration({
        connectionId: 'c-1',
        tenantId: 't-1',
        name: 'Local IdP',
        issuer: `http://127.0.0.1:${port}`,
        clientId: 'gatehouse',
        clientSecret: 'secret',
        updatedAt: new Date(),
      })
      .then(
        () => undefined,
        (e: unknown) => e as { cause?: { code?: string } },
      );
    expect(failure?.cause?.code).toBe('EPRIVATEADDRESS');
    expect(received).toBe(before);
  });

  it('an owner’s webhook test send and SSO issuer test to a private address are refused, and say why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-outbound-'));
    const config = loadConfig({
      PUBLIC_URL: 'https://gatehouse.example.com',
      DATABASE_URL: join(dir, 'outbound.db'),
      LOG_LEVEL: 'silent',
    });
    const runtime = await openRuntime(config, {});
    try {
      const { services } = runtime;
      const created = await services.tenants.create({
        name: 'Outbound',
        slug: 'outbound',
        ownerEmail: 'owner@outbound.test',
      });
      const owner = await services.users.acceptInvitation(created.token);
      const actor = await services.actors.forUser(created.tenant.id, owner.id);
      const before = received;
      await services.integrations.saveAuditWebhook(actor, {
        url: `http://localhost:${port}/hook`,
        enabled: true,
      });
      const sent = await services.integrations.testAuditWebhook(actor);
      expect(sent).toMatchObject({ delivered: false, status: null });
      expect(sent.error).toMatch(/^localhost \((127\.0\.0\.1|::1)\) is a private or local address/);
      const tested = await services.ssoAdmin.testIssuer(actor, { issuer: `http://169.254.169.254:${port}` });
      expect(tested).toMatchObject({ ok: false });
      expect(tested.error).toMatch(/^169\.254\.169\.254 is a private or local address/);
      expect(received).toBe(before);
    } finally {
      await runtime.db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
