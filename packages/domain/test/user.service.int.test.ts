import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conflict, InvalidInput, InvariantViolated, NotFound, PermissionDenied } from '../src/errors.js';
import { sha256Hex } from '../src/crypto.js';
import { Session } from '../src/entities/index.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { countRows, makeServices, makeTenant, makeUser, type TestWorld } from './factories.js';

describe.each(DATABASES)('users and invitations on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
    console.info(`user service tests run on ${t.label}`);
  });
  afterAll(() => t.close());

  it('creating a tenant invites its owner, who becomes active on accepting', async () => {
    const created = await w.services.tenants.create({
      name: 'Acme',
      slug: 'acme-users',
      ownerEmail: 'Boss@Acme.test',
    });
    expect(created.owner.tenantRole).toBe('owner');
    expect(created.owner.activatedAt).toBeNull();
    const owner = await w.services.users.acceptInvitation(created.token);
    expect(owner.activatedAt).toBeInstanceOf(Date);
    await expect(w.services.users.acceptInvitation(created.token)).rejects.toBeInstanceOf(NotFound);
  });

  it('a duplicate slug is a conflict and writes nothing', async () => {
    await w.services.tenants.create({ name: 'One', slug: 'dup-slug', ownerEmail: 'a@dup.test' });
    const before = await Promise.all(
      ['tenants', 'users', 'audit_events', 'invitations'].map((x) => countRows(t.db, x)),
    );
    await expect(
      w.services.tenants.create({ name: 'Two', slug: 'dup-slug', ownerEmail: 'b@dup.test' }),
    ).rejects.toBeInstanceOf(Conflict);
    const after = await Promise.all(
      ['tenants', 'users', 'audit_events', 'invitations'].map((x) => countRows(t.db, x)),
    );
    expect(after).toEqual(before);
  });

  it('an invalid owner email is invalid input and writes nothing', async () => {
    const before = await countRows(t.db, 'tenants');
    await expect(
      w.services.tenants.create({ name: 'X', slug: 'bad-email', ownerEmail: 'not-an-email' }),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(await countRows(t.db, 'tenants')).toBe(before);
  });

  it('an expired invitation cannot be accepted', async () => {
    const tn = await makeTenant(w);
    const inv = await w.services.users.invite(tn.ownerActor, { email: 'late@x.test' });
    w.clock.advance(8 * 24 * 3600 * 1000);
    await expect(w.services.users.acceptInvitation(inv.token)).rejects.toThrow(/expired/);
  });

  it('emails are unique per tenant case-insensitively', async () => {
    const tn = await makeTenant(w);
    await w.services.users.invite(tn.ownerActor, { email: 'Casey@Example.test' });
    await expect(
      w.services.users.invite(tn.ownerActor, { email: 'casey@example.TEST' }),
    ).rejects.toBeInstanceOf(Conflict);
  });

  it('a manager invites members but cannot invite a manager or an owner', async () => {
    const tn = await makeTenant(w);
    const manager = await (await makeUser(w, tn, { tenantRole: 'manager' })).actor();
    await expect(w.services.users.invite(manager, { email: 'm1@x.test' })).resolves.toBeTruthy();
    for (const tenantRole of ['manager', 'owner'] as const) {
      const err = await w.services.users
        .invite(manager, { email: `${tenantRole}@x.test`, tenantRole })
        .catch((e) => e);
      expect(err).toBeInstanceOf(PermissionDenied);
      expect(err.message).toMatch(/tenant owner/i);
    }
  });

  it('a manager cannot promote a member to manager; an owner can', async () => {
    const tn = await makeTenant(w);
    const manager = await (await makeUser(w, tn, { tenantRole: 'manager' })).actor();
    const { user } = await makeUser(w, tn);
    const err = await w.services.users
      .changeRole(manager, user.id, { tenantRole: 'manager' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(PermissionDenied);
    expect(err.message).toBe('Requires tenant owner.');
    const promoted = await w.services.users.changeRole(tn.ownerActor, user.id, { tenantRole: 'manager' });
    expect(promoted.tenantRole).toBe('manager');
  });

  it('a manager cannot deactivate or remove an owner or another manager', async () => {
    const tn = await makeTenant(w);
    const manager = await (await makeUser(w, tn, { tenantRole: 'manager' })).actor();
    const other = await makeUser(w, tn, { tenantRole: 'manager' });
    for (const id of [tn.owner.id, other.user.id]) {
      await expect(w.services.users.deactivate(manager, id)).rejects.toBeInstanceOf(PermissionDenied);
      await expect(w.services.users.remove(manager, id)).rejects.toBeInstanceOf(PermissionDenied);
    }
  });

  it('the last owner cannot be demoted, deactivated or removed', async () => {
    const tn = await makeTenant(w);
    const auditBefore = await countRows(t.db, 'audit_events');
    await expect(
      w.services.users.changeRole(tn.ownerActor, tn.owner.id, { tenantRole: 'member' }),
    ).rejects.toBeInstanceOf(InvariantViolated);
    await expect(w.services.users.deactivate(tn.ownerActor, tn.owner.id)).rejects.toBeInstanceOf(
      InvariantViolated,
    );
    await expect(w.services.users.remove(tn.ownerActor, tn.owner.id)).rejects.toBeInstanceOf(
      InvariantViolated,
    );
    expect(await countRows(t.db, 'audit_events')).toBe(auditBefore);
    const second = await makeUser(w, tn, { tenantRole: 'owner' });
    await expect(
      w.services.users.changeRole(tn.ownerActor, tn.owner.id, { tenantRole: 'member' }),
    ).resolves.toMatchObject({
      tenantRole: 'member',
    });
    await expect(w.services.users.deactivate(tn.system, second.user.id)).rejects.toBeInstanceOf(
      InvariantViolated,
    );
  });

  it('two owners demoting each other at once leave exactly one owner', async () => {
    const tn = await makeTenant(w);
    const b = await makeUser(w, tn, { tenantRole: 'owner' });
    const bActor = await b.actor();
    const results = await Promise.allSettled([
      w.services.users.changeRole(tn.ownerActor, b.user.id, { tenantRole: 'member' }),
      w.services.users.changeRole(bActor, tn.owner.id, { tenantRole: 'member' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const owners = await t.db.dataSource.query(
      `SELECT COUNT(*) AS n FROM users WHERE tenant_id = '${tn.tenant.id}' AND tenant_role = 'owner'`,
    );
    expect(Number(owners[0].n)).toBe(1);
  });

  it('removing a user frees their email for a new account and keeps the row', async () => {
    const tn = await makeTenant(w);
    const { user } = await makeUser(w, tn, { email: 'leaver@x.test' });
    await w.services.users.remove(tn.ownerActor, user.id);
    await expect(w.services.users.get(tn.ownerActor, user.id)).rejects.toBeInstanceOf(NotFound);
    const again = await w.services.users.invite(tn.ownerActor, { email: 'leaver@x.test' });
    expect(again.user.id).not.toBe(user.id);
    expect(await countRows(t.db, `users WHERE id = '${user.id}'`)).toBe(1);
  });

  it("another tenant's user id is not found", async () => {
    const a = await makeTenant(w);
    const b = await makeTenant(w);
    const { user } = await makeUser(w, b);
    await expect(w.services.users.deactivate(a.ownerActor, user.id)).rejects.toBeInstanceOf(NotFound);
    await expect(w.services.users.get(a.ownerActor, user.id)).rejects.toBeInstanceOf(NotFound);
  });

  it('deactivation and role changes revoke the user’s sessions', async () => {
    const tn = await makeTenant(w);
    const { user } = await makeUser(w, tn);
    const id = randomUUID();
    const now = w.clock.now();
    await t.db.manager.insert(Session, {
      id,
      tenantId: tn.tenant.id,
      userId: user.id,
      tokenHash: sha256Hex(id),
      method: 'sso',
      createdAt: now,
      lastSeenAt: now,
    });
    await w.services.users.deactivate(tn.ownerActor, user.id);
    const session = await t.db.manager.findOneByOrFail(Session, { id });
    expect(session.revokedReason).toBe('deactivated');
    expect(session.revokedAt).toEqual(now);
  });

  it('resending an invitation replaces the old link', async () => {
    const tn = await makeTenant(w);
    const first = await w.services.users.invite(tn.ownerActor, { email: 'resend@x.test' });
    const second = await w.services.users.resendInvitation(tn.ownerActor, first.user.id);
    await expect(w.services.users.acceptInvitation(first.token)).rejects.toBeInstanceOf(NotFound);
    await expect(w.services.users.acceptInvitation(second.token)).resolves.toMatchObject({
      id: first.user.id,
    });
  });
});
