import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conflict, InvalidInput, InvariantViolated, NotFound, PermissionDenied } from '../src/errors.js';
import { Group, GroupMapping, Story } from '../src/entities/index.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { countRows, makeServices, makeTenant, makeUser, type TestWorld } from './factories.js';

describe.each(DATABASES)('teams on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
    console.info(`team service tests run on ${t.label}`);
  });
  afterAll(() => t.close());

  it('the creator of a team becomes its admin', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Security' });
    const actor = await w.services.actors.forUser(tn.tenant.id, tn.owner.id);
    expect(actor.kind === 'user' && actor.teamRoles[team.id]).toBe('admin');
  });

  it('team names are unique per tenant, case-insensitively', async () => {
    const tn = await makeTenant(w);
    await w.services.teams.create(tn.ownerActor, { name: 'Ops' });
    await expect(w.services.teams.create(tn.ownerActor, { name: 'ops' })).rejects.toBeInstanceOf(Conflict);
  });

  it('adding an address without an account invites it to the tenant; it joins on acceptance', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Intake' });
    const result = await w.services.teams.addMember(tn.ownerActor, team.id, {
      email: 'new@x.test',
      role: 'editor',
    });
    expect(result.outcome).toBe('invited');
    if (result.outcome !== 'invited') return;
    expect(result.user.tenantRole).toBe('member');
    await w.services.users.acceptInvitation(result.token);
    const actor = await w.services.actors.forUser(tn.tenant.id, result.user.id);
    expect(actor.kind === 'user' && actor.teamRoles[team.id]).toBe('editor');
  });

  it('an existing account is added with its role', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Red' });
    const { user } = await makeUser(w, tn, { email: 'viv@x.test' });
    const result = await w.services.teams.addMember(tn.ownerActor, team.id, {
      email: 'VIV@x.test',
      role: 'viewer',
    });
    expect(result).toMatchObject({ outcome: 'added', membership: { userId: user.id, role: 'viewer' } });
    await expect(
      w.services.teams.addMember(tn.ownerActor, team.id, { email: 'viv@x.test', role: 'editor' }),
    ).rejects.toBeInstanceOf(Conflict);
  });

  it('the case manager role needs cases enabled', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Cases' });
    await expect(
      w.services.teams.addMember(tn.ownerActor, team.id, { email: 'cm@x.test', role: 'case_manager' }),
    ).rejects.toBeInstanceOf(InvalidInput);
  });

  it('the last member of a team cannot be removed', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Solo' });
    const auditBefore = await countRows(t.db, 'audit_events');
    const err = await w.services.teams.removeMember(tn.ownerActor, team.id, tn.owner.id).catch((e) => e);
    expect(err).toBeInstanceOf(InvariantViolated);
    expect(err.code).toBe('team.last_member');
    expect(await countRows(t.db, `team_memberships WHERE team_id = '${team.id}'`)).toBe(1);
    expect(await countRows(t.db, 'audit_events')).toBe(auditBefore);
  });

  it('two admins removing each other at once leave one member', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Pair' });
    const b = await makeUser(w, tn, { teams: [{ teamId: team.id, role: 'admin' }] });
    const c = await makeUser(w, tn, { teams: [{ teamId: team.id, role: 'admin' }] });
    await w.services.teams.removeMember(tn.ownerActor, team.id, tn.owner.id);
    const [bActor, cActor] = await Promise.all([b.actor(), c.actor()]);
    const results = await Promise.allSettled([
      w.services.teams.removeMember(bActor, team.id, c.user.id),
      w.services.teams.removeMember(cActor, team.id, b.user.id),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await countRows(t.db, `team_memberships WHERE team_id = '${team.id}'`)).toBe(1);
  });

  it('team admins and owners remove members; editors and viewers cannot', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Blue' });
    const admin = await makeUser(w, tn, { teams: [{ teamId: team.id, role: 'admin' }] });
    const editor = await makeUser(w, tn, { teams: [{ teamId: team.id, role: 'editor' }] });
    const viewer = await makeUser(w, tn, { teams: [{ teamId: team.id, role: 'viewer' }] });
    await expect(
      w.services.teams.removeMember(await editor.actor(), team.id, viewer.user.id),
    ).rejects.toBeInstanceOf(PermissionDenied);
    await expect(
      w.services.teams.removeMember(await viewer.actor(), team.id, editor.user.id),
    ).rejects.toBeInstanceOf(PermissionDenied);
    await w.services.teams.removeMember(await admin.actor(), team.id, viewer.user.id);
    await w.services.teams.removeMember(tn.ownerActor, team.id, editor.user.id);
    expect(await countRows(t.db, `team_memberships WHERE team_id = '${team.id}'`)).toBe(2);
  });

  it('a team admin changes roles; an editor cannot', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Green' });
    const editor = await makeUser(w, tn, { teams: [{ teamId: team.id, role: 'editor' }] });
    await expect(
      w.services.teams.changeMemberRole(await editor.actor(), team.id, editor.user.id, { role: 'admin' }),
    ).rejects.toBeInstanceOf(PermissionDenied);
    const changed = await w.services.teams.changeMemberRole(tn.ownerActor, team.id, editor.user.id, {
      role: 'viewer',
    });
    expect(changed.role).toBe('viewer');
  });

  it('members of other teams cannot act on a team; other tenants cannot see it', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Private' });
    const outsider = await makeUser(w, tn, { tenantRole: 'manager' });
    await expect(
      w.services.teams.addMember(await outsider.actor(), team.id, { email: 'z@x.test', role: 'viewer' }),
    ).rejects.toBeInstanceOf(PermissionDenied);
    const other = await makeTenant(w);
    await expect(w.services.teams.rename(other.ownerActor, team.id, { name: 'Mine' })).rejects.toBeInstanceOf(
      NotFound,
    );
  });

  it('a team holding objects cannot be deleted; an empty one can', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Temp' });
    const now = w.clock.now();
    await t.db.manager.insert(Story, {
      id: randomUUID(),
      tenantId: tn.tenant.id,
      teamId: team.id,
      name: 'Triage',
      sendToStoryEnabled: false,
      sharing: 'team',
      changeManaged: false,
      liveVersion: {},
      createdBy: tn.owner.id,
      createdAt: now,
      updatedAt: now,
    });
    await expect(w.services.teams.delete(tn.ownerActor, team.id)).rejects.toMatchObject({
      code: 'team.not_empty',
    });
    const empty = await w.services.teams.create(tn.ownerActor, { name: 'Empty' });
    await w.services.teams.delete(tn.ownerActor, empty.id);
    await expect(w.services.teams.get(tn.ownerActor, empty.id)).rejects.toBeInstanceOf(NotFound);
  });

  it('deleting a team removes the group mappings into it', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Mapped' });
    const now = w.clock.now();
    const groupId = randomUUID();
    await t.db.manager.insert(Group, {
      id: groupId,
      tenantId: tn.tenant.id,
      displayName: 'Engineers',
      displayNameKey: 'engineers',
      externalId: null,
      lastScimPayload: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    await t.db.manager.insert(GroupMapping, {
      id: randomUUID(),
      tenantId: tn.tenant.id,
      groupId,
      target: 'team',
      teamId: team.id,
      teamRole: 'editor',
      tenantRole: null,
      createdAt: now,
    });
    await w.services.teams.delete(tn.ownerActor, team.id);
    expect(await countRows(t.db, `group_mappings WHERE team_id = '${team.id}'`)).toBe(0);
  });
});
