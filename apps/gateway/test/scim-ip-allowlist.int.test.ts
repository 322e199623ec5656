import { systemActor } from '@gatehouse/domain';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, startTestGateway, type TestGateway } from './support/gateway.js';

describe.each(DATABASES)('the IP allowlist on SCIM on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`SCIM IP allowlist tests run on ${gw.label}`);
  });
  afterAll(() => gw.close());

  async function tenantWithToken() {
    const t = await makeTenant(gw);
    const operator = systemActor(t.tenant.id, 'test');
    const { token } = await gw.services.scimTokens.create(operator, { name: 'Okta' });
    const scim = (path: string) =>
      fetch(`${gw.url}/scim/v2${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { operator, scim };
  }

  it('applies to SCIM only when the owner extends it there', async () => {
    const { operator, scim } = await tenantWithToken();
    // The test client is 127.0.0.1; this list admits someone else only.
    await gw.services.ipAllowlist.replace(
      operator,
      { entries: [{ cidr: '203.0.113.0/24', label: 'office' }], enforceOnScim: false },
      { confirmLockout: true },
    );
    expect((await scim('/Users')).status).toBe(200);
    await gw.services.ipAllowlist.replace(
      operator,
      { entries: [{ cidr: '203.0.113.0/24', label: 'office' }], enforceOnScim: true },
      { confirmLockout: true },
    );
    const denied = await scim('/Users');
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({
      status: '403',
      detail: expect.stringContaining('IP allowlist'),
    });
  });

  it('admits an IdP whose address is on the list', async () => {
    const { operator, scim } = await tenantWithToken();
    await gw.services.ipAllowlist.replace(
      operator,
      { entries: [{ cidr: '127.0.0.0/8', label: 'loopback' }], enforceOnScim: true },
      { confirmLockout: true },
    );
    expect((await scim('/Users')).status).toBe(200);
  });

  it('takes the address X-Forwarded-For names only behind a trusted proxy', async () => {
    const behindProxy = await startTestGateway(target, { env: { TRUST_PROXY: 'loopback' } });
    try {
      for (const [g, trusted] of [
        [gw, false],
        [behindProxy, true],
      ] as const) {
        const t = await makeTenant(g);
        const operator = systemActor(t.tenant.id, 'test');
        const { token } = await g.services.scimTokens.create(operator, { name: 'Okta' });
        await g.services.ipAllowlist.replace(
          operator,
          { entries: [{ cidr: '203.0.113.0/24', label: 'office' }], enforceOnScim: true },
          { confirmLockout: true },
        );
        const res = await fetch(`${g.url}/scim/v2/Users`, {
          headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.7' },
        });
        // Untrusted, the header is the client's own claim: the socket's address (127.0.0.1) decides.
        expect(res.status).toBe(trusted ? 200 : 403);
      }
    } finally {
      await behindProxy.close();
    }
  });
});
