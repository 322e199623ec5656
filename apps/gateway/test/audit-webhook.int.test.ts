// The audit webhook end to end against a real local HTTP receiver: the secret shown once, a signed
// test send, every audit record queued in its own transaction, signed deliveries by the worker,
// retries with backoff and jitter, giving up, and no double delivery when replicas race.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditWebhookView, SavedAuditWebhook, WebhookTestResult } from '@gatehouse/domain/contracts';
import { createLogger } from '../src/logger.js';
import { startWebhookDeliveryWorker } from '../src/workers/webhook-delivery.worker.js';
import {
  makeTenant,
  makeUser,
  signIn,
  startTestGateway,
  type Browser,
  type TestGateway,
  type TestTenant,
} from './support/gateway.js';
import { system } from './support/people.js';
import { auditOf, countRows, expectNoSecrets, json, type ApiError } from './support/security.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver that records every request and answers with the statuses it is told, in turn. */
async function startReceiver() {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/audit`,
    received,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a receiver does: recompute HMAC-SHA256(secret, t + "." + body) and compare. */
function verifySignature(secret: string, r: Received): boolean {
  const header = String(r.headers['x-gatehouse-signature'] ?? '');
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${r.body}`).digest('hex');
  return expected === match[2];
}

describe.each(DATABASES)('audit webhook on $name', (target) => {
  let gw: TestGateway;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    receiver = await startReceiver();
    console.info(`audit webhook tests run on ${gw.label}`);
  });
  afterAll(async () => {
    await receiver.close();
    await gw.close();
  });
  afterEach(async () => {
    // deliveries of one test must not be claimed by the next
    await gw.db.dataSource.query('DELETE FROM webhook_deliveries');
    receiver.received.length = 0;
    receiver.statuses.length = 0;
  });

  async function withWebhook(): Promise<{ t: TestTenant; owner: Browser; secret: string }> {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    const saved = await json<SavedAuditWebhook>(
      await owner.fetch('/api/settings/integrations/audit-webhook', {
        method: 'PUT',
        json: { url: receiver.url, enabled: true },
      }),
    );
    return { t, owner, secret: saved.secret ?? '' };
  }

  const pending = async (t: TestTenant) =>
    (await gw.db.manager
      .getRepository('WebhookDelivery')
      .find({ where: { tenantId: t.tenant.id } })) as Array<{
      id: string;
      auditEventId: string;
      status: string;
      attempts: number;
      nextAttemptAt: Date;
      lastStatus: number | null;
      lastError: string | null;
    }>;

  it('the first save issues a signing secret, shown once; later reads say only that one is set', async () => {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    const res = await owner.fetch('/api/settings/integrations/audit-webhook', {
      method: 'PUT',
      json: { url: receiver.url, enabled: false },
    });
    expect(res.status).toBe(200);
    const saved = await json<SavedAuditWebhook>(res);
    expect(saved.secret).toMatch(/^whsec_/);
    const secret = saved.secret ?? '';
    const again = await owner.fetch('/api/settings/integrations/audit-webhook', {
      method: 'PUT',
      json: { url: receiver.url, enabled: true },
    });
    const againText = await again.text();
    expectNoSecrets(againText, [secret]);
    expect(JSON.parse(againText)).toMatchObject({ secret: null, enabled: true, secretSet: true });
    const read = await owner.fetch('/api/settings/integrations/audit-webhook');
    const readText = await read.text();
    expectNoSecrets(readText, [secret]);
    expect(JSON.parse(readText)).toMatchObject({
      configured: true,
      url: receiver.url,
      enabled: true,
      secretSet: true,
    });
    const rotated = await json<SavedAuditWebhook>(
      await owner.fetch('/api/settings/integrations/audit-webhook', {
        method: 'PUT',
        json: { url: receiver.url, enabled: true, rotateSecret: true },
      }),
    );
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    expectNoSecrets(JSON.stringify(await auditOf(gw, t.tenant.id, 'integration.audit_webhook_saved')), [
      secret,
    ]);
  });

  it('a test send reaches the receiver signed with the secret', async () => {
    const { owner, secret } = await withWebhook();
    const res = await owner.fetch('/api/settings/integrations/audit-webhook/test', { method: 'POST' });
    expect(await json<WebhookTestResult>(res)).toMatchObject({ delivered: true, status: 200, error: null });
    const [request] = receiver.received;
    expect(request?.headers['x-gatehouse-event']).toBe('webhook.test');
    expect(verifySignature(secret, request as Received)).toBe(true);
    expect(verifySignature('whsec_wrong', request as Received)).toBe(false);
  });

  it('a test send to a receiver that refuses, or is not there, reports it instead of failing', async () => {
    const { owner } = await withWebhook();
    receiver.statuses.push(500);
    const refused = await json<WebhookTestResult>(
      await owner.fetch('/api/settings/integrations/audit-webhook/test', { method: 'POST' }),
    );
    expect(refused).toMatchObject({
      delivered: false,
      status: 500,
      error: 'The receiver answered HTTP 500.',
    });
    await owner.fetch('/api/settings/integrations/audit-webhook', {
      method: 'PUT',
      json: { url: 'http://127.0.0.1:9/nothing', enabled: true },
    });
    const gone = await owner.fetch('/api/settings/integrations/audit-webhook/test', { method: 'POST' });
    expect(gone.status).toBe(200);
    expect(await json<WebhookTestResult>(gone)).toMatchObject({ delivered: false, status: null });
  });

  it('every audit record is queued in its own transaction: a refused change queues nothing, other tenants nothing', async () => {
    const { t, owner } = await withWebhook();
    const quiet = await makeTenant(gw);
    const before = await countRows(gw, 'webhook_deliveries', t.tenant.id);
    await owner.fetch('/api/teams', { method: 'POST', json: { name: 'Blue' } });
    const afterCreate = await pending(t);
    expect(afterCreate.length).toBe(before + 1);
    const [event] = await auditOf(gw, t.tenant.id, 'team.created');
    expect(afterCreate.map((d) => d.auditEventId)).toContain((event as unknown as { id: string }).id);

    const duplicate = await owner.fetch('/api/teams', { method: 'POST', json: { name: 'Blue' } });
    expect(duplicate.status).toBe(409);
    expect(await countRows(gw, 'webhook_deliveries', t.tenant.id)).toBe(before + 1);
    await gw.services.teams.create(system(quiet), { name: 'Quiet' });
    expect(await countRows(gw, 'webhook_deliveries', quiet.tenant.id)).toBe(0);
  });

  it('the worker delivers each event signed, with its record and hash, and marks it delivered', async () => {
    const { t, owner, secret } = await withWebhook();
    await owner.fetch('/api/settings/feature-flags', { method: 'PUT', json: { flags: { cases: true } } });
    const queued = await pending(t);
    expect(await gw.services.webhookDeliveries.runOnce()).toBe(queued.length);
    expect(receiver.received).toHaveLength(queued.length);
    for (const r of receiver.received) expect(verifySignature(secret, r)).toBe(true);
    const bodies = receiver.received.map(
      (r) => JSON.parse(r.body) as { type: string; event: { action: string; hash: string } },
    );
    const flag = bodies.find((b) => b.event.action === 'feature_flags.changed');
    expect(flag).toMatchObject({
      type: 'audit.event',
      tenantId: t.tenant.id,
      event: { change: { before: { cases: false }, after: { cases: true } }, actor: { id: t.owner.id } },
    });
    expect(flag?.event.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await pending(t)).every((d) => d.status === 'delivered' && d.lastStatus === 200)).toBe(true);
    const view = await json<AuditWebhookView>(await owner.fetch('/api/settings/integrations/audit-webhook'));
    expect(view.deliveries).toMatchObject({ pending: 0, failed: 0, lastError: null });
    expect(view.deliveries.delivered).toBeGreaterThanOrEqual(queued.length);
  });

  it('a failing receiver is retried after growing, jittered delays until it answers', async () => {
    const { t, owner } = await withWebhook();
    await gw.db.manager.delete('WebhookDelivery', { tenantId: t.tenant.id });
    await owner.fetch('/api/settings/branding', {
      method: 'PUT',
      json: { senderEmail: null, senderName: null, loginNotice: 'x' },
    });
    receiver.statuses.push(503, 500);
    const start = gw.clock.now().getTime();

    await gw.services.webhookDeliveries.runOnce();
    let [delivery] = await pending(t);
    expect(delivery).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatus: 503,
      lastError: 'The receiver answered HTTP 503.',
    });
    // attempt 1 waits between half and all of the 5 s base delay
    const firstDelay = (delivery?.nextAttemptAt.getTime() ?? 0) - start;
    expect(firstDelay).toBeGreaterThanOrEqual(2_500);
    expect(firstDelay).toBeLessThanOrEqual(5_000);
    expect(await gw.services.webhookDeliveries.runOnce()).toBe(0); // not due yet

    gw.clock.advance(5_000);
    await gw.services.webhookDeliveries.runOnce();
    [delivery] = await pending(t);
    const secondDelay = (delivery?.nextAttemptAt.getTime() ?? 0) - gw.clock.now().getTime();
    expect(delivery).toMatchObject({ status: 'pending', attempts: 2, lastStatus: 500 });
    expect(secondDelay).toBeGreaterThanOrEqual(5_000);
    expect(secondDelay).toBeLessThanOrEqual(10_000);

    gw.clock.advance(10_000);
    await gw.services.webhookDeliveries.runOnce();
    [delivery] = await pending(t);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['x-gatehouse-delivery'])).size).toBe(1);
  });

  it('gives up after the last attempt and says why', async () => {
    const { t, owner } = await withWebhook();
    await gw.db.manager.delete('WebhookDelivery', { tenantId: t.tenant.id });
    await owner.fetch('/api/settings/branding', {
      method: 'PUT',
      json: { senderEmail: null, senderName: null, loginNotice: 'y' },
    });
    receiver.statuses.push(...Array<number>(20).fill(500));
    for (let round = 0; round < 10; round++) {
      await gw.services.webhookDeliveries.runOnce();
      gw.clock.advance(10 * 60_000); // beyond the longest of 8 delays (320 s)
    }
    const [delivery] = await pending(t);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 8, lastStatus: 500 });
    expect(receiver.received).toHaveLength(8);
    const view = await json<AuditWebhookView>(await owner.fetch('/api/settings/integrations/audit-webhook'));
    expect(view.deliveries).toMatchObject({ failed: 1, lastError: 'The receiver answered HTTP 500.' });
  });

  it('replicas racing for the same deliveries deliver each exactly once', async () => {
    const { t, owner } = await withWebhook();
    for (let i = 0; i < 12; i++) {
      await owner.fetch('/api/settings/branding', {
        method: 'PUT',
        json: { senderEmail: null, senderName: null, loginNotice: `notice ${i}` },
      });
    }
    const queued = await pending(t);
    // three workers at once, as three replicas would run them; batches of 20 cover everything
    await Promise.all([1, 2, 3].map(() => gw.services.webhookDeliveries.runOnce()));
    const deliveryIds = receiver.received.map((r) => String(r.headers['x-gatehouse-delivery']));
    expect(deliveryIds.sort()).toEqual(queued.map((d) => d.id).sort());
  });

  it('deliveries queued before the webhook was turned off are not sent', async () => {
    const { t, owner } = await withWebhook();
    await owner.fetch('/api/settings/integrations/audit-webhook', {
      method: 'PUT',
      json: { url: receiver.url, enabled: false },
    });
    await gw.services.webhookDeliveries.runOnce();
    expect(receiver.received).toHaveLength(0);
    expect(
      (await pending(t)).every((d) => d.status === 'failed' && d.lastError === 'The webhook is off.'),
    ).toBe(true);
  });

  it('the gateway’s worker loop delivers without being asked', async () => {
    const { t, owner, secret } = await withWebhook();
    const worker = startWebhookDeliveryWorker(
      gw.services.webhookDeliveries,
      createLogger({ level: 'silent' }),
      {
        idleMs: 20,
      },
    );
    try {
      await owner.fetch('/api/settings/branding', {
        method: 'PUT',
        json: { senderEmail: null, senderName: null, loginNotice: 'z' },
      });
      const deadline = Date.now() + 5_000;
      while ((await pending(t)).some((d) => d.status === 'pending') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await worker.stop();
    }
    expect((await pending(t)).every((d) => d.status === 'delivered')).toBe(true);
    expect(receiver.received.every((r) => verifySignature(secret, r))).toBe(true);
  });

  it('a manager sees the webhook settings but is told changing or testing them requires a tenant owner', async () => {
    const { t } = await withWebhook();
    const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
    expect((await manager.fetch('/api/settings/integrations/audit-webhook')).status).toBe(200);
    for (const [method, path] of [
      ['PUT', '/api/settings/integrations/audit-webhook'],
      ['POST', '/api/settings/integrations/audit-webhook/test'],
    ] as const) {
      const res = await manager.fetch(path, {
        method,
        json: { url: 'https://evil.example/', enabled: true },
      });
      expect(res.status).toBe(403);
      expect((await json<ApiError>(res)).error.message).toBe('Requires tenant owner.');
    }
    const view = await json<AuditWebhookView>(
      await manager.fetch('/api/settings/integrations/audit-webhook'),
    );
    expect(view.url).toBe(receiver.url);
  });

  it('refuses a URL that is not http(s), and a test before anything is saved', async () => {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    for (const url of ['ftp://x.example/', 'not a url', 42]) {
      const res = await owner.fetch('/api/settings/integrations/audit-webhook', {
        method: 'PUT',
        json: { url, enabled: true },
      });
      expect(res.status, String(url)).toBe(400);
    }
    const test = await owner.fetch('/api/settings/integrations/audit-webhook/test', { method: 'POST' });
    expect(test.status).toBe(400);
    expect((await json<ApiError>(test)).error.code).toBe('integration.not_configured');
  });
});
