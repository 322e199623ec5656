// Seed 000 "Monitoring access" / "download sign-in activity logs": the sign-in events owners and
// managers read, page, chart and export; and the outbox where mail waits without SMTP.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { Branding, OutboxMessage, SignInEvent } from '../src/entities/index.js';
import { createServices, type MailMessage, type Mailer } from '../src/services/index.js';
import { csvCell, recordSignInEvent } from '../src/services/sign-in-activity.service.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, makeUser, type MadeTenant, type TestWorld } from './factories.js';
import { ctx, lastMail } from './sign-in.support.js';

describe('CSV cells', () => {
  it.each([
    [null, ''],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['-cmd', "'-cmd"],
    ['@sum', "'@sum"],
    ['line\nbreak', '"line\nbreak"'],
  ])('%j is written %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe.each(DATABASES)('sign-in activity and the outbox on $name', (target) => {
  let opened: OpenedDatabase;
  let world: TestWorld;
  let t: MadeTenant;
  const DAY = 24 * 60 * 60 * 1000;
  const start = new Date('2026-02-01T08:00:00.000Z');

  beforeAll(async () => {
    opened = await openTestDatabase(target);
    world = makeServices(opened.db);
    t = await makeTenant(world);
    // 3 days × 5 attempts (every third a failure), 1 hour apart; and another tenant's noise.
    const other = await makeTenant(world);
    await opened.db.transaction(async (tx) => {
      for (let i = 0; i < 15; i++) {
        const clock = new ManualClock(
          new Date(start.getTime() + Math.floor(i / 5) * DAY + (i % 5) * 3600_000),
        );
        await recordSignInEvent(
          tx,
          clock,
          {
            tenantId: t.tenant.id,
            userId: i % 2 === 0 ? t.owner.id : null,
            email: i === 7 ? '=cmd|calc' : t.owner.email,
            method: i % 3 === 2 ? 'sso' : 'email_link',
            connectionId: null,
            ip: '203.0.113.1',
            userAgent: 'Mozilla, "quoted"',
          },
          i % 3 === 2 ? 'failure' : 'success',
          i % 3 === 2 ? 'state_mismatch' : null,
        );
        await recordSignInEvent(
          tx,
          clock,
          {
            ...{ tenantId: other.tenant.id, userId: null, email: 'x@other.test' },
            method: 'sso',
            connectionId: null,
            ip: null,
            userAgent: null,
          },
          'failure',
          'unknown_user',
        );
      }
    });
  });
  afterAll(() => opened?.close());

  it('lists newest first, filters, and pages by keyset without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await world.services.signIns.list(t.ownerActor, { limit: 4, cursor });
      seen.push(...page.items.map((e) => e.occurredAt));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(15);
    expect([...seen].sort().reverse()).toEqual(seen);

    const failures = await world.services.signIns.list(t.ownerActor, { result: 'failure', limit: 50 });
    expect(failures.items).toHaveLength(5);
    expect(failures.items.every((e) => e.reason === 'state_mismatch' && e.method === 'sso')).toBe(true);

    const mine = await world.services.signIns.list(t.ownerActor, { userId: t.owner.id });
    expect(mine.items).toHaveLength(8);

    const day2 = await world.services.signIns.list(t.ownerActor, {
      from: new Date(start.getTime() + DAY).toISOString(),
      to: new Date(start.getTime() + 2 * DAY).toISOString(),
    });
    expect(day2.items).toHaveLength(5);
    await expect(world.services.signIns.list(t.ownerActor, { from: 'yesterday-ish' })).rejects.toMatchObject({
      kind: 'invalid',
    });
    await expect(world.services.signIns.list(t.ownerActor, { cursor: 'garbage' })).rejects.toMatchObject({
      code: 'cursor.invalid',
    });
  });

  it('counts successes and failures per day, zero days included', async () => {
    const { days } = await world.services.signIns.countsPerDay(
      t.ownerActor,
      new Date(start.getTime() - DAY),
      '2026-02-05T00:00:00.000Z',
    );
    expect(days).toEqual([
      { day: '2026-01-31', success: 0, failure: 0 },
      { day: '2026-02-01', success: 4, failure: 1 },
      { day: '2026-02-02', success: 3, failure: 2 },
      { day: '2026-02-03', success: 3, failure: 2 },
      { day: '2026-02-04', success: 0, failure: 0 },
    ]);
    await expect(
      world.services.signIns.countsPerDay(t.ownerActor, start, new Date(start.getTime() + 400 * DAY)),
    ).rejects.toMatchObject({ code: 'sign_ins.range' });
  });

  it('exports any range as CSV lines read page by page, with formulas neutralised', async () => {
    const lines: string[] = [];
    for await (const line of await world.services.signIns.exportCsv(t.ownerActor, {})) lines.push(line);
    expect(lines).toHaveLength(16);
    expect(lines[0]).toBe(
      'occurred_at,result,reason,method,email,user_id,connection_id,ip,user_agent,id\r\n',
    );
    expect(lines.join('')).toContain(`'=cmd|calc`);
    expect(lines[1]).toContain('"Mozilla, ""quoted"""');
  });

  it('managers read sign-in activity; members do not', async () => {
    const manager = await (await makeUser(world, t, { tenantRole: 'manager' })).actor();
    const member = await (await makeUser(world, t)).actor();
    expect((await world.services.signIns.list(manager, {})).items.length).toBeGreaterThan(0);
    await expect(world.services.signIns.list(member, {})).rejects.toMatchObject({
      code: 'permission.denied',
    });
    await expect(world.services.signIns.exportCsv(member, {})).rejects.toMatchObject({
      code: 'permission.denied',
    });
  });

  describe('mail', () => {
    it('an owner or manager sends a member a sign-in link; the branding’s sender signs it; owners read the outbox', async () => {
      const tenant = await makeTenant(world);
      await opened.db.transaction((tx) =>
        tx.insert(Branding, {
          tenantId: tenant.tenant.id,
          senderEmail: 'it@acme.example',
          senderName: 'Acme "IT"',
          loginNotice: null,
          updatedAt: new Date(),
        }),
      );
      const member = await makeUser(world, tenant);
      const manager = await (await makeUser(world, tenant, { tenantRole: 'manager' })).actor();
      expect(
        await world.services.userAccess.sendSignInLink(manager, member.user.id, {
          publicUrl: 'https://gh.test',
        }),
      ).toEqual({ sent: true, transport: 'outbox' });
      await expect(
        world.services.userAccess.sendSignInLink(manager, tenant.owner.id, { publicUrl: 'https://gh.test' }),
      ).rejects.toMatchObject({ code: 'permission.denied' });

      const mail = await lastMail(opened.db, member.user.email);
      expect(mail?.message).toMatchObject({ from: '"Acme IT" <it@acme.example>', template: 'sign_in_link' });
      const outcome = await world.services.signIn.verifyEmailLink({ token: mail!.token }, ctx());
      expect(outcome.status).toBe('signed_in');

      const page = await world.services.mail.list(tenant.ownerActor, { limit: 10 });
      expect(page.items.map((m) => m.to)).toContain(member.user.email);
      await expect(world.services.mail.list(manager, {})).rejects.toMatchObject({
        code: 'permission.denied',
      });
    });

    it('with SMTP the message is handed over, marked sent, and our copy no longer holds the token', async () => {
      const delivered: MailMessage[] = [];
      const smtp: Mailer = { transport: 'smtp', deliver: async (m) => void delivered.push(m) };
      const services = createServices(opened.db, { encryptionKey: randomBytes(32), mailer: smtp });
      const tenant = await makeTenant({ services, clock: new ManualClock() });
      const created = await services.users.invite(tenant.ownerActor, {
        email: `smtp-${Date.now()}@example.test`,
      });
      await services.mail.sendInvitation(
        tenant.tenant.id,
        { email: created.user.email, token: created.token },
        {
          publicUrl: 'https://gh.test',
        },
      );
      expect(delivered).toHaveLength(1);
      expect(delivered[0]?.text).toContain(`https://gh.test/accept-invitation#token=${created.token}`);
      const row = await opened.db.manager.findOneByOrFail(OutboxMessage, { id: delivered[0]!.id });
      expect(row.sentAt).not.toBeNull();
      expect(row.attempts).toBe(1);
      expect(row.text).not.toContain(created.token);
    });

    it('a failed delivery is kept with its error for the owner to see', async () => {
      const broken: Mailer = {
        transport: 'smtp',
        deliver: async () => {
          throw new Error('connect ECONNREFUSED 127.0.0.1:2525');
        },
      };
      const services = createServices(opened.db, { encryptionKey: randomBytes(32), mailer: broken });
      const tenant = await makeTenant({ services, clock: new ManualClock() });
      const message = await services.mail.sendInvitation(
        tenant.tenant.id,
        { email: 'a@example.test', token: 'tok' },
        {
          publicUrl: 'https://gh.test',
        },
      );
      const row = await opened.db.manager.findOneByOrFail(OutboxMessage, { id: message.id });
      expect(row).toMatchObject({
        sentAt: null,
        attempts: 1,
        lastError: 'connect ECONNREFUSED 127.0.0.1:2525',
      });
    });
  });

  it('sign-in events never mix tenants', async () => {
    const page = await world.services.signIns.list(t.ownerActor, { limit: 200 });
    expect(page.items.every((e) => e.email !== 'x@other.test')).toBe(true);
    expect(await opened.db.manager.count(SignInEvent, {})).toBeGreaterThanOrEqual(30);
  });
});
