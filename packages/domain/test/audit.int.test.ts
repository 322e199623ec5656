import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../src/entities/index.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, makeUser, type TestWorld } from './factories.js';

describe.each(DATABASES)('audit log on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
    console.info(`audit tests run on ${t.label}`);
  });
  afterAll(() => t.close());

  async function tenantWithHistory() {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Audit team' });
    const { user } = await makeUser(w, tn);
    await w.services.teams.addMember(tn.ownerActor, team.id, { email: user.email, role: 'editor' });
    return tn;
  }

  it('every change is recorded with its actor, and the chain verifies', async () => {
    const tn = await tenantWithHistory();
    const events = await t.db.manager.find(AuditEvent, {
      where: { tenantId: tn.tenant.id },
      order: { seq: 'ASC' },
    });
    expect(events.map((e) => e.action)).toEqual([
      'tenant.created',
      'user.invited',
      'user.invitation_accepted',
      'team.created',
      'user.invited',
      'user.invitation_accepted',
      'team.member_added',
    ]);
    expect(events[3]?.actorLabel).toBe(tn.owner.email);
    expect(await w.services.audit.verify(tn.ownerActor)).toEqual({ ok: true, records: 7 });
  });

  it('an edited record breaks the chain at that record', async () => {
    const tn = await tenantWithHistory();
    await t.db.manager.update(AuditEvent, { tenantId: tn.tenant.id, seq: 4 }, { actorLabel: 'someone-else' });
    const verdict = await w.services.audit.verify(tn.ownerActor);
    expect(verdict).toMatchObject({ ok: false, brokenAt: { seq: 4, reason: expect.stringMatching(/hash/) } });
  });

  it('a deleted record breaks the chain where it was', async () => {
    const tn = await tenantWithHistory();
    await t.db.manager.delete(AuditEvent, { tenantId: tn.tenant.id, seq: 3 });
    expect(await w.services.audit.verify(tn.ownerActor)).toMatchObject({ ok: false, brokenAt: { seq: 3 } });
  });

  it('deleting the newest records is detected against the chain head', async () => {
    const tn = await tenantWithHistory();
    await t.db.manager.delete(AuditEvent, { tenantId: tn.tenant.id, seq: 7 });
    expect(await w.services.audit.verify(tn.ownerActor)).toMatchObject({ ok: false, brokenAt: { seq: 7 } });
  });

  it('concurrent changes in one tenant keep one unbroken chain', async () => {
    const tn = await makeTenant(w);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => w.services.teams.create(tn.ownerActor, { name: `Parallel ${i}` })),
    );
    expect(await w.services.audit.verify(tn.ownerActor)).toEqual({ ok: true, records: 15 });
  });

  it('only owners may verify the chain', async () => {
    const tn = await makeTenant(w);
    const manager = await (await makeUser(w, tn, { tenantRole: 'manager' })).actor();
    await expect(w.services.audit.verify(manager)).rejects.toThrow('Requires tenant owner.');
  });
});
